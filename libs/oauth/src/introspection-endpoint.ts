import { readTokenRequest } from './token-request';
import { invalidClient } from './error-challenge';
import { OAuthError } from './errors';
import { jsonResponse, type OAuthRequest, type OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';

const INACTIVE = { active: false } as const;

/** POST /oauth/introspect (RFC 7662). */
export async function introspectionEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
  const { inspection, caller } = await readTokenRequest(context, request);
  // RFC 7662 §2.1: the endpoint MUST require some form of authorization.
  if (!caller) {
    const { allowUnauthenticated, unauthenticatedLimitPerMinute } = context.settings.introspection;
    if (!allowUnauthenticated) throw invalidClient('Introspection requires client authentication', false);
    const allowed = await context.guards.consumeRateLimit(
      `introspect:${request.remoteAddress}`,
      unauthenticatedLimitPerMinute,
      60,
    );
    if (!allowed) {
      throw new OAuthError('invalid_request', 'Too many unauthenticated introspection requests', 429, {
        headers: { 'Retry-After': '60' },
      });
    }
  }

  const { claims } = inspection;
  if (!inspection.active || !claims) {
    context.metrics.introspected('inactive');
    return jsonResponse(200, INACTIVE);
  }
  context.metrics.introspected('active');
  if (!caller) return jsonResponse(200, { active: true });
  return jsonResponse(200, {
    active: true,
    scope: claims.scope,
    // A personal access token belongs to its user alone; gateways tell it apart by token_type.
    ...(claims.pat ? {} : { client_id: claims.client_id }),
    sub: claims.sub,
    exp: claims.exp,
    iat: claims.iat,
    token_type: claims.pat ? 'personal_access_token' : claims.cnf ? 'DPoP' : 'Bearer',
    iss: claims.iss,
    aud: claims.aud,
    jti: claims.jti,
    // RFC 9449 §6.2: a gateway compares this with the thumbprint of the proof it was sent.
    ...(claims.cnf ? { cnf: { jkt: claims.cnf.jkt } } : {}),
    ...(inspection.username === undefined ? {} : { username: inspection.username }),
  });
}
