import { MAX_EXCHANGE_DEPTH, type AccessTokenClaims, type ActClaim } from '@grantline/lib-tokens';
import { accessTokenSubject, tokenGrant, verifiedClaims } from '../access-token-check';
import type { ExchangeLink } from '../access-token-issuer';
import { epochSeconds } from '../clock';
import { invalidGrant, invalidRequest } from '../errors';
import type { OAuthContext } from '../oauth-context';
import { checkLiveness } from '../token-liveness';

/** RFC 8693 §3: the one token type exchanged here and issued, an access token of ours (or a personal one). */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The token parameters of an exchange request, as the grant's schema read them. */
export interface ExchangeTokenParams {
  subject_token_type: string;
  actor_token?: string | undefined;
  actor_token_type?: string | undefined;
  requested_token_type?: string | undefined;
}

/**
 * RFC 8693 §2.1: `actor_token_type` comes with `actor_token` and only with it; every token type
 * named must be one we exchange or issue. Anything else is invalid_request (§2.2.2).
 */
export function checkTokenTypes(params: ExchangeTokenParams): void {
  if ((params.actor_token === undefined) !== (params.actor_token_type === undefined)) {
    throw invalidRequest('actor_token and actor_token_type come together');
  }
  const named = [params.subject_token_type, params.actor_token_type, params.requested_token_type];
  if (named.some((type) => type !== undefined && type !== ACCESS_TOKEN_TYPE)) {
    throw invalidRequest(`Only ${ACCESS_TOKEN_TYPE} is exchanged and issued`);
  }
}

/**
 * The claims of a presented subject or actor token: one we issued, unexpired, and live by the
 * same rule introspection applies (not revoked, nor its grant, nor any token it came from).
 * Anything else is invalid_grant (RFC 8693 §2.2.2).
 */
export async function activeTokenClaims(
  context: OAuthContext,
  token: string,
  role: 'subject' | 'actor',
): Promise<AccessTokenClaims> {
  const claims = await verifiedClaims(context, token);
  if (!claims || claims.exp <= epochSeconds(context.clock)) throw invalidGrant(`The ${role} token is not active`);
  const { liveness } = await checkLiveness(context, accessTokenSubject(claims));
  if (!liveness.live) throw invalidGrant(`The ${role} token is not active`, liveness.reason);
  return claims;
}

/**
 * What the exchanged token inherits from its subject so it is never wider, longer-lived or less
 * revocable: the subject's grant (and its client), the chain of tokens it came from, its expiry,
 * and the actors, the new one outermost (RFC 8693 §4.1).
 */
export function exchangeLink(subject: AccessTokenClaims, actor: AccessTokenClaims | undefined): ExchangeLink {
  const exchangedFrom = [subject.jti, ...(subject.xfr ?? [])];
  if (exchangedFrom.length > MAX_EXCHANGE_DEPTH) {
    throw invalidGrant('The subject token was itself exchanged too many times');
  }
  const grant = tokenGrant(subject);
  const act: ActClaim | undefined =
    actor === undefined ? subject.act : { sub: actor.sub, ...(subject.act === undefined ? {} : { act: subject.act }) };
  return {
    subjectTokenId: subject.jti,
    ...(actor === undefined ? {} : { actorTokenId: actor.jti }),
    exchangedFrom,
    ...(grant === undefined ? {} : { grantClientId: grant.clientId }),
    userWithoutGrant: grant === undefined && (subject.pat === true || subject.usr === true),
    ...(act === undefined ? {} : { act }),
    notAfter: subject.exp,
  };
}
