export { tokenEndpoints, discoveryRoutes } from './token-routes';
