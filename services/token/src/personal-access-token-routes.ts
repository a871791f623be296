import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { oauthRequestOf, requestIdOf, type Logger } from '@grantline/lib-http';
import {
  createPersonalAccessTokenEndpoint,
  errorResponse,
  listPersonalAccessTokensEndpoint,
  OAuthError,
  revokePersonalAccessTokenEndpoint,
  toOAuthError,
  type OAuthContext,
  type OAuthRequest,
  type OAuthResponse,
} from '@grantline/lib-oauth';

const COLLECTION = '/oauth/personal-access-tokens';
const ITEM = `${COLLECTION}/:id`;

type Endpoint = (req: Request, request: OAuthRequest) => Promise<OAuthResponse>;

/**
 * POST and GET /oauth/personal-access-tokens, DELETE /oauth/personal-access-tokens/{id}: a
 * signed-in user's personal access tokens, behind the user's Bearer access token.
 */
export function personalAccessTokenRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  router.post(
    COLLECTION,
    requireJson,
    express.json({ limit: '4kb' }),
    serve(logger, (req, request) => createPersonalAccessTokenEndpoint(context, request, req.body)),
  );
  router.get(
    COLLECTION,
    serve(logger, (_req, request) => listPersonalAccessTokensEndpoint(context, request)),
  );
  router.delete(
    ITEM,
    serve(logger, (req, request) => revokePersonalAccessTokenEndpoint(context, request, String(req.params.id))),
  );
  router.all(COLLECTION, methodNotAllowed('GET, POST'));
  router.all(ITEM, methodNotAllowed('DELETE'));
  router.use(COLLECTION, (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    send(res, requestIdOf(req.headers['x-request-id']), errorResponse(bodyError(error, logger)));
  });
  return router;
}

function serve(logger: Logger, endpoint: Endpoint): RequestHandler {
  return async (req, res) => {
    const request = oauthRequestOf(req);
    let response: OAuthResponse;
    try {
      response = await endpoint(req, request);
    } catch (thrown) {
      const error = toOAuthError(thrown);
      if (error.status >= 500) logger.error({ err: thrown, requestId: request.requestId }, 'request failed');
      response = errorResponse(error);
    }
    send(res, request.requestId, response);
  };
}

/** The body is JSON or nothing is read; a body of another type is 415. */
const requireJson: RequestHandler = (req, res, next) => {
  if (req.is('application/json')) return next();
  const error = new OAuthError('invalid_request', 'Send the body as application/json', 415);
  send(res, requestIdOf(req.headers['x-request-id']), errorResponse(error));
};

function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) => {
    const error = new OAuthError('invalid_request', `Use ${allow}`, 405, { headers: { Allow: allow } });
    send(res, requestIdOf(req.headers['x-request-id']), errorResponse(error));
  };
}

/** What the JSON parser refused: malformed (400), too large (413) or in an unknown charset (415). */
function bodyError(error: unknown, logger: Logger): OAuthError {
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
  if (status === 413) return new OAuthError('invalid_request', 'The request body is too large', 413);
  if (status === 415) return new OAuthError('invalid_request', 'The body must be UTF-8 JSON', 415);
  if (status === 400) return new OAuthError('invalid_request', 'The body is not valid JSON', 400);
  logger.error({ err: error }, 'request failed');
  return toOAuthError(error);
}

function send(res: Response, requestId: string, response: OAuthResponse): void {
  res.status(response.status).set({ ...response.headers, 'X-Request-Id': requestId });
  if (response.body === undefined) res.end();
  else res.json(response.body);
}
