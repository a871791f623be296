import { Router } from 'express';
import { requireAdminToken } from './admin-auth';
import { clientRoutes, type AdminDependencies } from './client-routes';

/** Everything under /admin, behind the admin token. */
export function adminRoutes(adminToken: string, deps: AdminDependencies): Router {
  const router = Router();
  router.use('/admin', requireAdminToken(adminToken));
  router.use(clientRoutes(deps));
  return router;
}
