import type { IssuedAccessToken } from '../access-token-issuer';
import type { IssuedRefreshToken } from './refresh-token-issuer';

/**
 * RFC 6749 §5.1: the successful token response of every grant. A refresh token is included
 * only where the grant issued one (never for client_credentials); an ID token only for an
 * OpenID Connect grant (OpenID Connect Core §3.1.3.3).
 */
export function tokenResponse(
  access: IssuedAccessToken,
  refresh?: IssuedRefreshToken,
  idToken?: string,
): Record<string, unknown> {
  return {
    access_token: access.token,
    // RFC 9449 §5: a token bound to a DPoP key is of type DPoP.
    token_type: access.jkt === undefined ? 'Bearer' : 'DPoP',
    expires_in: access.expiresIn,
    scope: access.scope,
    ...(refresh ? { refresh_token: refresh.token } : {}),
    ...(idToken === undefined ? {} : { id_token: idToken }),
  };
}
