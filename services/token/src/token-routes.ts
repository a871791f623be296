import { Router } from 'express';
import { oauthRoute, type Logger } from '@grantline/lib-http';
import { revocationEndpoint, serverMetadata, tokenEndpoint, type OAuthContext } from '@grantline/lib-oauth';
import { publicJwks } from '@grantline/lib-tokens';

/** /oauth/token, /oauth/revoke and the discovery documents. */
export function tokenRoutes(context: OAuthContext, logger: Logger): Router {
  const router = Router();
  const observe = { logger, metrics: context.metrics };
  router.post(
    '/oauth/token',
    oauthRoute('token', (request) => tokenEndpoint(context, request), observe),
  );
  router.post(
    '/oauth/revoke',
    oauthRoute('revoke', (request) => revocationEndpoint(context, request), observe),
  );
  const metadata = serverMetadata(context.settings.issuer);
  router.get('/.well-known/oauth-authorization-server', (_req, res) => {
    res.json(metadata);
  });
  const jwks = publicJwks(context.keys);
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(jwks);
  });
  return router;
}
