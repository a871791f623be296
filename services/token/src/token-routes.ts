import { Router } from 'express';
import type { OAuthEndpoint } from '@grantline/lib-http';
import { revocationEndpoint, serverMetadata, tokenEndpoint, type OAuthContext } from '@grantline/lib-oauth';
import { publicJwks } from '@grantline/lib-tokens';

/** POST /oauth/token and POST /oauth/revoke, served on the lean path. */
export function tokenEndpoints(context: OAuthContext): OAuthEndpoint[] {
  return [
    { path: '/oauth/token', name: 'token', cors: true, handle: (request) => tokenEndpoint(context, request) },
    { path: '/oauth/revoke', name: 'revoke', cors: true, handle: (request) => revocationEndpoint(context, request) },
  ];
}

/** The discovery documents (RFC 8414, RFC 7517). */
export function discoveryRoutes(context: OAuthContext): Router {
  const router = Router();
  router.get('/.well-known/oauth-authorization-server', async (_req, res, next) => {
    try {
      // The scopes on offer are the ones registered clients may ask for.
      const scopes = new Set((await context.store.listClients()).flatMap((client) => client.scopes));
      res.set('Cache-Control', 'public, max-age=60').json(serverMetadata(context.settings.issuer, [...scopes].sort()));
    } catch (error) {
      next(error);
    }
  });
  const jwks = publicJwks(context.keys);
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(jwks);
  });
  return router;
}
