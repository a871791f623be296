import { stampEvent, type GrantType, type GrantlineEvent } from '@grantline/lib-events';
import { signAccessToken, type ActClaim } from '@grantline/lib-tokens';
import { epochSeconds } from './clock';
import type { OAuthRequest } from './http-types';
import type { OAuthContext } from './oauth-context';

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
  scope: string;
  event: GrantlineEvent;
  /** Set when the token is bound to a DPoP key (RFC 9449). */
  jkt?: string;
}

/** What ties a token issued by token exchange (RFC 8693) to the token it was obtained for. */
export interface ExchangeLink {
  subjectTokenId: string;
  actorTokenId?: string;
  /** The subject token's `jti`, then the tokens that one was exchanged from. */
  exchangedFrom: readonly string[];
  /** The client of the subject's grant, when it has one. */
  grantClientId?: string;
  /** The subject is a user without a client's grant (a personal access token's). */
  userWithoutGrant: boolean;
  act?: ActClaim;
  /** Epoch seconds: the token expires no later than its subject token. */
  notAfter: number;
}

/**
 * Decides an access token: its claims, the signed JWT and the event that records it. Nothing
 * is appended here; the caller appends the event before it hands the token out.
 */
export async function decideAccessToken(
  context: OAuthContext,
  request: OAuthRequest,
  grant: {
    clientId: string;
    subject: string;
    scopes: readonly string[];
    grantType: GrantType;
    grantId?: string;
    /** RFC 9449 §6: bind the token to this DPoP key thumbprint. */
    jkt?: string;
    /** RFC 8707: the resources the token is for, its audience; none keeps the server's own. */
    resources?: readonly string[];
    exchange?: ExchangeLink;
    /** Epoch seconds the token may not outlive (an assertion's `exp`). */
    notAfter?: number;
    /** RFC 7523 §2.1: the issuer of the assertion the token was issued for, and the claims mapped from it. */
    assertion?: { issuer: string; claims: Readonly<Record<string, string>> };
    /** OpenID Connect Core §5.5: the claims the grant's request asked UserInfo for one by one. */
    userinfoClaims?: readonly string[];
  },
): Promise<IssuedAccessToken> {
  const { settings, clock, ids } = context;
  const { exchange, assertion } = grant;
  const issuedAt = epochSeconds(clock);
  const expiresAt = Math.min(
    issuedAt + settings.accessTokenTtlSeconds,
    exchange?.notAfter ?? Infinity,
    grant.notAfter ?? Infinity,
  );
  const jti = ids.tokenId();
  const scope = grant.scopes.join(' ');
  const resources = grant.resources ?? [];
  const token = await signAccessToken(context.keys, {
    iss: settings.issuer,
    sub: grant.subject,
    aud: audienceOf(resources, settings.accessTokenAudience),
    client_id: grant.clientId,
    scope,
    jti,
    iat: issuedAt,
    exp: expiresAt,
    ...(grant.grantId === undefined ? {} : { gid: grant.grantId }),
    ...(grant.jkt === undefined ? {} : { cnf: { jkt: grant.jkt } }),
    ...(exchange === undefined ? {} : exchangeClaims(exchange)),
    ...(assertion === undefined || Object.keys(assertion.claims).length === 0 ? {} : { ext: { ...assertion.claims } }),
    ...(grant.userinfoClaims === undefined || grant.userinfoClaims.length === 0
      ? {}
      : { uic: [...grant.userinfoClaims] }),
  });
  const event = stampEvent(
    {
      type: 'AccessTokenIssued',
      aggregate: { type: 'token', id: jti },
      data: {
        jti,
        clientId: grant.clientId,
        subject: grant.subject,
        scope,
        grantType: grant.grantType,
        issuedAt,
        expiresAt,
        ...(grant.grantId === undefined ? {} : { grantId: grant.grantId }),
        ...(grant.jkt === undefined ? {} : { jkt: grant.jkt }),
        ...(resources.length === 0 ? {} : { resources: [...resources] }),
        ...(exchange?.act === undefined ? {} : { act: exchange.act }),
        ...(exchange === undefined ? {} : { exchange: exchangeFacts(exchange) }),
        ...(assertion === undefined
          ? {}
          : { assertion: { issuer: assertion.issuer, claims: { ...assertion.claims } } }),
      },
    },
    eventContext(context, request),
  );
  return {
    token,
    expiresIn: expiresAt - issuedAt,
    scope,
    event,
    ...(grant.jkt === undefined ? {} : { jkt: grant.jkt }),
  };
}

function exchangeClaims(exchange: ExchangeLink) {
  return {
    xfr: [...exchange.exchangedFrom],
    ...(exchange.grantClientId === undefined ? {} : { azp: exchange.grantClientId }),
    ...(exchange.userWithoutGrant ? { usr: true as const } : {}),
    ...(exchange.act === undefined ? {} : { act: exchange.act }),
  };
}

function exchangeFacts(exchange: ExchangeLink) {
  return {
    subjectTokenId: exchange.subjectTokenId,
    ...(exchange.actorTokenId === undefined ? {} : { actorTokenId: exchange.actorTokenId }),
  };
}

/** RFC 9068 §3: one resource is the audience itself; several are a list; none is the server's. */
function audienceOf(resources: readonly string[], serverAudience: string): string | string[] {
  if (resources.length === 0) return serverAudience;
  return resources.length === 1 ? (resources[0] as string) : [...resources];
}

export function eventContext(context: OAuthContext, request: OAuthRequest) {
  return {
    now: () => context.clock.now(),
    causationId: request.requestId,
    traceContext: request.traceparent ? { traceparent: request.traceparent } : {},
  };
}
