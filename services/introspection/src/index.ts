export { introspectionEndpoints } from './introspection-routes';
