import { userGrantQuery, verifiedClaims } from './access-token-check';
import { epochSeconds } from './clock';
import { OAuthError } from './errors';
import { header, jsonResponse, type OAuthRequest, type OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';

const REALM = 'realm="grantline"';

/** RFC 6750 §3: 401 with a Bearer challenge naming the error. */
function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', description, 401, {
    wwwAuthenticate: `Bearer ${REALM}, error="invalid_token", error_description="${description}"`,
  });
}

/**
 * GET /api/user: the user behind a Bearer access token sent in the Authorization header.
 * Tokens in the query string or a form body are refused (OAuth 2.1 §5.2); the token must be
 * ours, unexpired, not revoked (nor its grant), its client still registered and its subject an
 * active user.
 */
export async function userInfoEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
  if (/(^|&)access_token=/.test(request.query ?? '')) {
    throw new OAuthError('invalid_request', 'Send the access token in the Authorization header', 400, {
      wwwAuthenticate: `Bearer ${REALM}, error="invalid_request", error_description="Send the access token in the Authorization header"`,
    });
  }
  const authorization = header(request, 'authorization');
  const match = authorization === undefined ? null : /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization);
  if (!match?.[1]) {
    // RFC 6750 §3.1: a request without credentials gets a challenge without an error code.
    throw new OAuthError('invalid_token', 'A Bearer access token is required', 401, {
      wwwAuthenticate: `Bearer ${REALM}`,
    });
  }
  const verified = await verifiedClaims(context, match[1]);
  const claims = verified && verified.exp > epochSeconds(context.clock) ? verified : null;
  if (!claims) throw invalidToken('The access token is invalid or expired');
  if (claims.gid === undefined) throw invalidToken('The access token was not issued for a user');
  const state = await context.store.read({ clientIds: [claims.client_id], jti: claims.jti, ...userGrantQuery(claims) });
  const client = state.clients.get(claims.client_id);
  const withdrawn = claims.iat < (state.grantsRevokedBefore ?? 0);
  if (state.revoked || withdrawn || !client) throw invalidToken('The access token is no longer active');
  const user = state.user;
  if (!user || user.disabled) throw invalidToken('The access token is no longer active');
  return {
    ...jsonResponse(200, {
      id: user.userId,
      sub: user.userId,
      name: user.name,
      email: user.email,
      created_at: user.createdAt,
    }),
    allowedOrigins: client.webOrigins,
  };
}
