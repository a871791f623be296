import { Router } from 'express';
import { oauthRoute, type Logger } from '@grantline/lib-http';
import { introspectionEndpoint, type OAuthContext } from '@grantline/lib-oauth';

/** /oauth/introspect: read-only, the hot path for API gateways. */
export function introspectionRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  const observe = { logger, metrics: context.metrics };
  router.post(
    '/oauth/introspect',
    oauthRoute('introspect', (request) => introspectionEndpoint(context, request), observe),
  );
  return router;
}
