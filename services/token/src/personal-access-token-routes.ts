import { Router, type RequestHandler } from 'express';
import { type Logger } from '@grantline/lib-http';
import { jsonBody, oauthErrorHandler, oauthRoute, sendOAuthError } from '@grantline/lib-runtime';
import {
  createPersonalAccessTokenEndpoint,
  listPersonalAccessTokensEndpoint,
  OAuthError,
  revokePersonalAccessTokenEndpoint,
  type OAuthContext,
} from '@grantline/lib-oauth';

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

/** The body is JSON or nothing is read; a body of another type is 415. */
const requireJson: RequestHandler = (req, res, next) => {
  if (req.is('application/json')) return next();
  sendOAuthError(req, res, new OAuthError('invalid_request', 'Send the body as application/json', 415));
};

function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) => {
    const error = new OAuthError('invalid_request', `Use ${allow}`, 405, { headers: { Allow: allow } });
    sendOAuthError(req, res, error);
  };
}
