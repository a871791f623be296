import type { AccessTokenClaims } from '@grantline/lib-tokens';
import type { ClientRecord, UserRecord } from '@grantline/lib-projections';
import { accessTokenSubject, verifiedClaims } from './access-token-check';
import { epochSeconds } from './clock';
import { OAuthError } from './errors';
import { header, type OAuthRequest } from './http-types';
import type { OAuthContext } from './oauth-context';
import { checkLiveness } from './token-liveness';

const REALM = 'realm="grantline"';

/** RFC 6750 §3: 401 with a Bearer challenge naming the error. */
export function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', description, 401, {
    wwwAuthenticate: `Bearer ${REALM}, error="invalid_token", error_description="${description}"`,
  });
}

/** RFC 6750 §3.1: insufficient_scope, 403. */
export function insufficientScope(description: string, scope: string): OAuthError {
  return new OAuthError('insufficient_scope', description, 403, {
    wwwAuthenticate: `Bearer ${REALM}, error="insufficient_scope", scope="${scope}"`,
  });
}

/**
 * The access token of a request to a protected resource, from the Authorization header only.
 * Tokens in the query string are refused (OAuth 2.1 §5.2); a request without one gets a
 * challenge without an error code (RFC 6750 §3.1).
 */
export function accessTokenOf(request: OAuthRequest): string {
  if (/(^|&)access_token=/.test(request.query ?? '')) {
    throw new OAuthError('invalid_request', 'Send the access token in the Authorization header', 400, {
      wwwAuthenticate: `Bearer ${REALM}, error="invalid_request", error_description="Send the access token in the Authorization header"`,
    });
  }
  const authorization = header(request, 'authorization');
  const match = authorization === undefined ? null : /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization);
  if (!match?.[1]) {
    throw new OAuthError('invalid_token', 'A Bearer access token is required', 401, {
      wwwAuthenticate: `Bearer ${REALM}`,
    });
  }
  return match[1];
}

export interface ResourceCaller {
  claims: AccessTokenClaims;
  user: UserRecord;
  /** The client the token was issued to; null for a personal access token. */
  client: ClientRecord | null;
}

/**
 * Who is calling a user resource: the request's access token, verified, unexpired and live
 * (see token-liveness.ts), issued for a user. Anything else is 401 invalid_token.
 */
export async function resourceCaller(context: OAuthContext, request: OAuthRequest): Promise<ResourceCaller> {
  const token = accessTokenOf(request);
  const verified = await verifiedClaims(context, token);
  const claims = verified && verified.exp > epochSeconds(context.clock) ? verified : null;
  if (!claims) throw invalidToken('The access token is invalid or expired');
  const subject = accessTokenSubject(claims);
  if (!subject.user) throw invalidToken('The access token was not issued for a user');
  const { liveness } = await checkLiveness(context, subject);
  if (!liveness.live || !liveness.user) throw invalidToken('The access token is no longer active');
  return { claims, user: liveness.user, client: liveness.client };
}
