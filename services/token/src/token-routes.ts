import { Router, type NextFunction, type Request, type Response } from 'express';
import { requestIdOf } from '@grantline/lib-http';
import { sendOAuthResponse, type OAuthEndpoint, type OAuthHandler } from '@grantline/lib-runtime';
import { isDevicePoll } from './device-poll-forwarder';
import {
  everyGrant,
  metadataEndpoint,
  PAR_PATH,
  pushedAuthorizationEndpoint,
  openApiDocument,
  protectedResourceMetadataEndpoint,
  protectedResourceMetadataPath,
  revocationEndpoint,
  tokenEndpoint,
  tokenServiceGrants,
  type OAuthContext,
} from '@grantline/lib-oauth';
import { publicJwks } from '@grantline/lib-tokens';

/**
 * POST /oauth/token, POST /oauth/revoke and POST /oauth/par (RFC 9126), served on the lean path. With `devicePolling`
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
    { path: PAR_PATH, name: 'par', cors: true, handle: (request) => pushedAuthorizationEndpoint(context, request) },
  ];
}

/**
 * The discovery documents (RFC 8414, OpenID Connect Discovery 1.0, RFC 9728, RFC 7517) and the OpenAPI description of the public API. A failure goes to the app's error handler, the
 * error family's rendering: 503 temporarily_unavailable while the projection is rebuilt.
 */
export function discoveryRoutes(context: OAuthContext): Router {
  const router = Router();
  const documents = [
    '/.well-known/oauth-authorization-server',
    '/.well-known/openid-configuration',
    protectedResourceMetadataPath(context.settings.issuer),
    '/.well-known/jwks.json',
    '/.well-known/openapi.json',
  ];
  router.use(documents, readableFromAnyOrigin);
  for (const document of ['oauth-authorization-server', 'openid-configuration'] as const) {
    router.get(`/.well-known/${document}`, (req, res, next) => {
      metadataEndpoint(context, document).then(
        (response) => sendOAuthResponse(res, requestIdOf(req.headers['x-request-id']), response),
        next,
      );
    });
  }
  // RFC 9728 §3: how to get a token for Grantline's own API; from settings alone.
  const resource = protectedResourceMetadataEndpoint(context);
  router.get(protectedResourceMetadataPath(context.settings.issuer), (req, res) => {
    sendOAuthResponse(res, requestIdOf(req.headers['x-request-id']), resource);
  });
  const jwks = publicJwks(context.keys);
  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(jwks);
  });
  // The same for every replica of a release, so caches may keep it.
  const openapi = JSON.stringify(openApiDocument());
  router.get('/.well-known/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('application/json').send(openapi);
  });
  return router;
}

/**
 * Public documents every relying party reads, browser apps of any origin included (an SPA's
 * OpenID Connect library fetches discovery and the keys; an MCP client in a browser sends its
 * protocol version header, so it asks first). They hold nothing private and take no cookies, so
 * any origin may read them, without credentials; a preflight names the headers it wants.
 */
function readableFromAnyOrigin(req: Request, res: Response, next: NextFunction): void {
  res.set('Access-Control-Allow-Origin', '*');
  if (req.method !== 'OPTIONS') return next();
  const wanted = req.headers['access-control-request-headers'];
  res
    .set({
      'Access-Control-Allow-Methods': 'GET',
      ...(typeof wanted === 'string' && SAFE_HEADER_LIST.test(wanted)
        ? { 'Access-Control-Allow-Headers': wanted }
        : {}),
      'Access-Control-Max-Age': '86400',
    })
    .status(204)
    .end();
}

/** Header names as a browser lists them in a preflight, and nothing else (never echoed otherwise). */
const SAFE_HEADER_LIST = /^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/;
