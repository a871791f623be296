import { Router, type Request } from 'express';
import { jsonBody } from '@grantline/lib-runtime';
import {
  adminCreatePersonalAccessToken,
  adminListPersonalAccessTokens,
  adminRevokePersonalAccessToken,
  type PersonalAccessTokenContext,
} from '@grantline/lib-oauth';
import { handle } from './admin-handler';
import type { AdminDependencies } from './client-routes';

/**
 * A user's personal access tokens, for operators: create (the value is in that reply only),
 * list (never values) and revoke. The rules are the public API's (lib-oauth).
 */
export function personalAccessTokenRoutes(deps: AdminDependencies): Router {
  const router = Router();
  const context = {
    log: deps.log,
    store: deps.store,
    keys: deps.keys,
    settings: deps.tokenSettings,
    clock: { now: deps.now },
    ids: deps.ids,
  } satisfies PersonalAccessTokenContext;
  const events = (req: Request) => ({
    now: deps.now,
    causationId: String(req.headers['x-request-id'] ?? '') || undefined,
  });
  const userTokens = '/admin/users/:userId/personal-access-tokens';
  router.use([userTokens, '/admin/personal-access-tokens'], jsonBody({ limit: '4kb' }));

  router.post(
    userTokens,
    handle(deps.logger, async (req) => ({
      status: 201,
      body: await adminCreatePersonalAccessToken(context, events(req), String(req.params.userId), req.body),
    })),
  );

  router.get(
    userTokens,
    handle(deps.logger, async (req) => ({
      status: 200,
      body: await adminListPersonalAccessTokens(context, String(req.params.userId)),
    })),
  );

  router.delete(
    '/admin/personal-access-tokens/:id',
    handle(deps.logger, async (req) => {
      await adminRevokePersonalAccessToken(context, events(req), String(req.params.id));
      return { status: 204 };
    }),
  );

  return router;
}
