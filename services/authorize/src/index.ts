export { authorizeRoutes } from './authorize-routes';
