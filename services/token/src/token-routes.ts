import { Router } from 'express';
import type { OAuthEndpoint, OAuthHandler } from '@grantline/lib-http';
import { isDevicePoll } from './device-poll-forwarder';
import {
  everyGrant,
  offeredScopes,
  revocationEndpoint,
  serverMetadata,
  tokenEndpoint,
  tokenServiceGrants,
  type OAuthContext,
} from '@grantline/lib-oauth';
import { publicJwks } from '@grantline/lib-tokens';

/**
 * POST /oauth/token and POST /oauth/revoke, served on the lean path. With `devicePolling`
 * (the stack), device-code polls go to the device-polling service; without it (one process),
 * every grant is answered here.
 */
export function tokenEndpoints(context: OAuthContext, devicePolling?: OAuthHandler): OAuthEndpoint[] {
  const token: OAuthHandler = devicePolling
    ? (request) =>
        isDevicePoll(request.body) ? devicePolling(request) : tokenEndpoint(context, request, tokenServiceGrants)
    : (request) => tokenEndpoint(context, request, everyGrant);
  return [
    { path: '/oauth/token', name: 'token', cors: true, handle: token },
    { path: '/oauth/revoke', name: 'revoke', cors: true, handle: (request) => revocationEndpoint(context, request) },
  ];
}

/** The discovery documents (RFC 8414, RFC 7517). */
export function discoveryRoutes(context: OAuthContext): Router {
  const router = Router();
  router.get('/.well-known/oauth-authorization-server', async (_req, res, next) => {
    try {
      // The scopes on offer are the ones registered clients may ask for.
      const scopes = offeredScopes(await context.store.listClients());
      res.set('Cache-Control', 'public, max-age=60').json(serverMetadata(context.settings.issuer, scopes));
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
