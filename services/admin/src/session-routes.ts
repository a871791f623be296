import { Router, type Request } from 'express';
import { adminEndAllSessions, adminEndSession, adminListSessions, type SessionEndContext } from '@grantline/lib-oauth';
import { handle } from './admin-handler';
import type { AdminDependencies } from './client-routes';

/**
 * A user's browser sessions, for operators: list the live ones, end one or all. Ending a
 * session signs every browser holding it out at once and ends the grants that end with it.
 */
export function sessionRoutes(deps: AdminDependencies): Router {
  const router = Router();
  const context = {
    log: deps.log,
    store: deps.store,
    clock: { now: deps.now },
    settings: deps.tokenSettings,
  } satisfies SessionEndContext;
  const events = (req: Request) => ({
    now: deps.now,
    causationId: String(req.headers['x-request-id'] ?? '') || undefined,
  });
  const userSessions = '/admin/users/:userId/sessions';

  router.get(
    userSessions,
    handle(deps.logger, async (req) => ({
      status: 200,
      body: await adminListSessions(context, String(req.params.userId)),
    })),
  );

  router.delete(
    userSessions,
    handle(deps.logger, async (req) => ({
      status: 200,
      body: await adminEndAllSessions(context, events(req), String(req.params.userId)),
    })),
  );

  router.delete(
    `${userSessions}/:sessionId`,
    handle(deps.logger, async (req) => {
      await adminEndSession(context, events(req), String(req.params.userId), String(req.params.sessionId));
      return { status: 204 };
    }),
  );

  return router;
}
