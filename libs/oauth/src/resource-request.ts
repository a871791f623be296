import { audiencesOf, type AccessTokenClaims } from '@grantline/lib-tokens';
import type { ClientRecord, UserRecord } from '@grantline/lib-projections';
import { accessTokenSubject, verifiedClaims } from './access-token-check';
import { epochSeconds } from './clock';
import { dpopHeaderOf, verifyDpopProof } from './dpop/dpop-proof';
import { withChallenge } from './error-challenge';
import { OAuthError } from './errors';
import { header, type OAuthRequest } from './http-types';
import type { OAuthContext } from './oauth-context';
import { checkLiveness } from './token-liveness';

const TOKEN68 = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i;

/** RFC 6750 §3 / RFC 9449 §7.1: 401 with a challenge of the scheme the request used. */
export function invalidToken(description: string, scheme: 'Bearer' | 'DPoP' = 'Bearer'): OAuthError {
  return withChallenge(new OAuthError('invalid_token', description, 401), { schemes: [scheme] });
}

/** RFC 6750 §3.1: insufficient_scope, 403, naming the scope needed. */
export function insufficientScope(description: string, scope: string): OAuthError {
  return withChallenge(new OAuthError('insufficient_scope', description, 403), { schemes: ['Bearer'], scope });
}

export interface PresentedToken {
  token: string;
  scheme: 'Bearer' | 'DPoP';
}

/**
 * The access token of a request to a protected resource, from the Authorization header only,
 * as `Bearer` (RFC 6750) or `DPoP` (RFC 9449 §7.1). Tokens in the query string are refused
 * (OAuth 2.1 §5.2); a request without one gets both challenges without an error code.
 */
export function accessTokenOf(request: OAuthRequest): PresentedToken {
  if (/(^|&)access_token=/.test(request.query ?? '')) {
    const refused = new OAuthError('invalid_request', 'Send the access token in the Authorization header', 400);
    throw withChallenge(refused, { schemes: ['Bearer'] });
  }
  const authorization = header(request, 'authorization');
  const match = authorization === undefined ? null : TOKEN68.exec(authorization);
  if (!match?.[1] || !match[2]) {
    const missing = new OAuthError('invalid_token', 'A Bearer or DPoP access token is required', 401);
    throw withChallenge(missing, { schemes: ['Bearer', 'DPoP'], anonymous: true });
  }
  return { token: match[2], scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer' };
}

export interface ResourceCaller {
  claims: AccessTokenClaims;
  user: UserRecord;
  /**
   * The client the token was issued to, or the third-party client whose grant a personal access
   * token was minted through; null for any other personal access token.
   */
  client: ClientRecord | null;
}

/**
 * Who is calling a user resource: the request's access token, verified, unexpired, meant for
 * this server (its `aud`) and live (see token-liveness.ts), issued for a user. A token bound to a DPoP key must come with the
 * DPoP scheme and a proof by that key over this request and this token (RFC 9449 §7); a bound
 * token sent as Bearer, or an unbound one as DPoP, is refused.
 */
export async function resourceCaller(context: OAuthContext, request: OAuthRequest): Promise<ResourceCaller> {
  const { token, scheme } = accessTokenOf(request);
  const verified = await verifiedClaims(context, token);
  const claims = verified && verified.exp > epochSeconds(context.clock) ? verified : null;
  if (!claims) throw invalidToken('The access token is invalid or expired', scheme);
  // RFC 9068 §4, RFC 8707: a token issued for another resource is not one for this server's own API.
  if (!audiencesOf(claims).includes(context.settings.accessTokenAudience)) {
    throw invalidToken('The access token is meant for another resource', scheme);
  }
  const subject = accessTokenSubject(claims);
  if (!subject.user) throw invalidToken('The access token was not issued for a user', scheme);
  const bound = claims.cnf?.jkt;
  if (bound === undefined && scheme === 'DPoP') throw invalidToken('The access token is not DPoP-bound', 'DPoP');
  if (bound !== undefined && scheme === 'Bearer') throw invalidToken('The access token must be sent as DPoP', 'DPoP');

  const { liveness } = await checkLiveness(context, subject);
  if (!liveness.live || !liveness.user) throw invalidToken('The access token is no longer active', scheme);
  if (bound !== undefined) {
    const proof = dpopHeaderOf(context, request, 'resource');
    if (proof === undefined) {
      context.metrics.dpopProofFailed('required');
      throw invalidToken('A DPoP proof is required', 'DPoP');
    }
    const nonceRequired = context.settings.dpop.nonceRequired || (liveness.client?.dpopNonce ?? false);
    const { jkt } = await verifyDpopProof(context, request, proof, {
      site: 'resource',
      path: request.path ?? '/',
      accessToken: token,
      nonceRequired,
    });
    if (jkt !== bound) {
      context.metrics.dpopProofFailed('key_mismatch');
      throw invalidToken('The DPoP proof is signed by another key than the token is bound to', 'DPoP');
    }
  }
  return { claims, user: liveness.user, client: liveness.client };
}
