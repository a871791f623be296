export { tokenEndpoints, discoveryRoutes } from './token-routes';
export { personalAccessTokenRoutes } from './personal-access-token-routes';
export { registrationRoutes } from './registration-routes';
