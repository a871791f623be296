export { introspectionRoutes } from './introspection-routes';
