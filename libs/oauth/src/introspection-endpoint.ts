import { inspectToken } from './access-token-check';
import { authenticatedCaller } from './caller-authentication';
import { presentedCredentials } from './client-authentication';
import { invalidClient, invalidRequest, OAuthError } from './errors';
import { parseForm } from './form';
import { jsonResponse, type OAuthRequest, type OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';

const INACTIVE = { active: false } as const;

/** POST /oauth/introspect (RFC 7662). */
export async function introspectionEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
  const form = parseForm(request);
  const token = form.get('token');
  if (token === undefined) throw invalidRequest('token is required');

  const credentials = presentedCredentials(request, form);
  const inspection = await inspectToken(context, token, credentials?.clientId);
  // RFC 7662 §2.1: the endpoint MUST require some form of authorization.
  const caller = await authenticatedCaller(context, credentials, inspection.callerRecord);
  if (!caller) {
    const { allowUnauthenticated, unauthenticatedLimitPerMinute } = context.settings.introspection;
    if (!allowUnauthenticated) throw invalidClient('Introspection requires client authentication', false);
    const allowed = await context.store.consumeRateLimit(
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
  if (!inspection.active || !claims) return jsonResponse(200, INACTIVE);
  if (!caller) return jsonResponse(200, { active: true });
  return jsonResponse(200, {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    sub: claims.sub,
    exp: claims.exp,
    iat: claims.iat,
    token_type: 'Bearer',
    iss: claims.iss,
    aud: claims.aud,
    jti: claims.jti,
  });
}
