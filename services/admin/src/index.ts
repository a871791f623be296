export { adminRoutes } from './admin-routes';
export type { AdminDependencies } from './client-routes';
