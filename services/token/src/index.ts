export { tokenEndpoints, discoveryRoutes } from './token-routes';
export { personalAccessTokenRoutes } from './personal-access-token-routes';
