export { tokenRoutes } from './token-routes';
