export { authorizeRoutes } from './authorize-routes';
export { deviceRoutes } from './device-routes';
export { logoutRoutes } from './logout-routes';
