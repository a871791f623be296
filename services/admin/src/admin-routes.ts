import { Router } from 'express';
import type { AuditStore } from '@grantline/lib-projections';
import { requireAdminToken } from './admin-auth';
import { auditRoutes } from './audit-routes';
import { clientRoutes, type AdminDependencies } from './client-routes';
import { resourceRoutes } from './resource-routes';
import { personalAccessTokenRoutes } from './personal-access-token-routes';
import { sessionRoutes } from './session-routes';
import { userRoutes } from './user-routes';

/** Everything under /admin, behind the admin token. */
export function adminRoutes(adminToken: string, deps: AdminDependencies & { audit: AuditStore }): Router {
  const router = Router();
  router.use('/admin', requireAdminToken(adminToken));
  router.use(clientRoutes(deps));
  router.use(resourceRoutes(deps));
  router.use(userRoutes(deps));
  router.use(personalAccessTokenRoutes(deps));
  router.use(sessionRoutes(deps));
  router.use(auditRoutes(deps.audit, deps.logger));
  return router;
}
