import { Router } from 'express';
import { oauthRoute, type Logger } from '@grantline/lib-http';
import { introspectionEndpoint, type OAuthContext } from '@grantline/lib-oauth';

/** /oauth/introspect: read-only, the hot path for API gateways. */
export function introspectionRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  router.post(
    '/oauth/introspect',
    oauthRoute((request) => introspectionEndpoint(context, request), logger),
  );
  return router;
}
