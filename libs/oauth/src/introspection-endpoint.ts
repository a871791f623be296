import { audiencesOf, type AccessTokenClaims } from '@grantline/lib-tokens';
import type { AuthenticatedClient } from './client-authentication';
import { readTokenRequest } from './token-request';
import { invalidClient } from './error-challenge';
import { OAuthError } from './errors';
import { jsonResponse, type OAuthRequest, type OAuthResponse } from './http-types';
import { asksForSignedAnswer, signedAnswer } from './introspection-jwt';
import { RESERVED_CLAIM_NAMES } from './jwt-bearer/trusted-issuers';
import type { OAuthContext } from './oauth-context';

const INACTIVE = { active: false } as const;

/** POST /oauth/introspect (RFC 7662), as JSON or, when asked for, as a signed JWT (RFC 9701). */
export async function introspectionEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
  const { inspection, caller } = await readTokenRequest(context, request, { path: '/oauth/introspect' });
  const signed = asksForSignedAnswer(request);
  // RFC 7662 §2.1: the endpoint MUST require some form of authorization.
  if (!caller) {
    // RFC 9701 §5: a signed answer names the resource server it is for, so it needs one.
    if (signed) throw invalidClient('A signed introspection answer requires client authentication', false);
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
  if (!inspection.active || !claims || !meantForCaller(caller, claims)) {
    context.metrics.introspected('inactive');
    return signed && caller ? signedAnswer(context, caller, INACTIVE) : jsonResponse(200, INACTIVE);
  }
  context.metrics.introspected('active');
  if (!caller) return jsonResponse(200, { active: true });
  const answer = {
    active: true,
    scope: claims.scope,
    // A personal access token belongs to its user alone; gateways tell it apart by token_type.
    ...(claims.pat ? {} : { client_id: claims.client_id }),
    sub: claims.sub,
    exp: claims.exp,
    iat: claims.iat,
    token_type: claims.pat ? 'personal_access_token' : claims.cnf ? 'DPoP' : 'Bearer',
    iss: claims.iss,
    // RFC 7662 §2.2: a string for one audience, a list for several, as the token carries it.
    aud: claims.aud,
    jti: claims.jti,
    // RFC 9449 §6.2: a gateway compares this with the thumbprint of the proof it was sent.
    ...(claims.cnf ? { cnf: { jkt: claims.cnf.jkt } } : {}),
    // RFC 8693 §4.1: on an exchanged token, who acts for the subject.
    ...(claims.act === undefined ? {} : { act: claims.act }),
    ...(inspection.username === undefined ? {} : { username: inspection.username }),
    // RFC 7662 §2.2 allows other members: the claims mapped from a JWT bearer assertion (0045).
    ...(claims.ext === undefined ? {} : withoutOwnNames(claims.ext)),
  };
  return signed ? signedAnswer(context, caller, answer) : jsonResponse(200, answer);
}

/**
 * RFC 7662 §4: a client linked to a resource learns only about tokens meant for that resource;
 * any other token is inactive to it, with no hint that it exists. The link is on the client
 * record already read to authenticate the caller, so this costs no read.
 */
function meantForCaller(caller: AuthenticatedClient | null, claims: Pick<AccessTokenClaims, 'aud'>): boolean {
  const resource = caller?.client.introspectsFor ?? null;
  return resource === null || audiencesOf(claims).includes(resource);
}

/** A mapped claim never overrides a member of our own answer, whatever a token says. */
function withoutOwnNames(ext: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(ext).filter(([name]) => !RESERVED_CLAIM_NAMES.has(name)));
}
