import { Router } from 'express';
import { type Logger } from '@grantline/lib-http';
import { jsonBody, oauthErrorHandler, oauthRoute } from '@grantline/lib-runtime';
import {
  createPersonalAccessTokenEndpoint,
  listPersonalAccessTokensEndpoint,
  revokePersonalAccessTokenEndpoint,
  type OAuthContext,
} from '@grantline/lib-oauth';
import { methodNotAllowed, requireJson } from './json-route-steps';

const COLLECTION = '/oauth/personal-access-tokens';
const ITEM = `${COLLECTION}/:id`;

/**
 * POST and GET /oauth/personal-access-tokens, DELETE /oauth/personal-access-tokens/{id}: a
 * signed-in user's personal access tokens, behind the user's Bearer access token.
 */
export function personalAccessTokenRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  router.post(
    COLLECTION,
    requireJson,
    jsonBody({ limit: '4kb' }),
    oauthRoute(logger, (req, request) => createPersonalAccessTokenEndpoint(context, request, req.body)),
  );
  router.get(
    COLLECTION,
    oauthRoute(logger, (_req, request) => listPersonalAccessTokensEndpoint(context, request)),
  );
  router.delete(
    ITEM,
    oauthRoute(logger, (req, request) => revokePersonalAccessTokenEndpoint(context, request, String(req.params.id))),
  );
  router.all(COLLECTION, methodNotAllowed('GET, POST'));
  router.all(ITEM, methodNotAllowed('DELETE'));
  // What the JSON parser refused: malformed or with a repeated member (400), too large (413) or in
  // an unknown charset (415).
  router.use(COLLECTION, oauthErrorHandler(logger));
  return router;
}
