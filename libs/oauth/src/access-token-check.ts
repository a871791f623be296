import { verifyAccessToken, type AccessTokenClaims } from '@grantline/lib-tokens';
import type { ClientRecord } from '@grantline/lib-projections';
import { epochSeconds } from './clock';
import type { OAuthContext } from './oauth-context';
import { checkLiveness, type TokenSubject } from './token-liveness';

/** Signature (cached), then expiry against our clock. Null for anything we did not issue. */
export async function verifiedClaims(context: OAuthContext, token: string): Promise<AccessTokenClaims | null> {
  const cached = context.tokenCache.get(token);
  if (cached) return cached;
  const claims = await verifyAccessToken(context.keys, context.settings.issuer, token);
  if (claims) context.tokenCache.set(token, claims);
  return claims;
}

/**
 * The user grant a token depends on: a client's token, the grant it was issued from; a personal
 * access token minted through a third-party client's grant, or a token exchanged for a token of
 * a grant, that grant and its client, named by `azp` (0016, 0038).
 */
export function tokenGrant(claims: AccessTokenClaims): { grantId: string; clientId: string } | undefined {
  if (claims.gid === undefined) return undefined;
  const clientId = claims.azp ?? (claims.pat ? undefined : claims.client_id);
  return clientId === undefined ? undefined : { grantId: claims.gid, clientId };
}

/**
 * What an access token's liveness depends on: its own id, its client and, for a user's token,
 * its grant. A personal access token minted through a third-party grant depends on that grant
 * and client as the client's own tokens do; any other belongs to its user alone. An exchanged
 * token depends on all its subject token depends on, on every token it was exchanged from, and
 * on the client it was issued to.
 */
export function accessTokenSubject(claims: AccessTokenClaims): TokenSubject {
  const grant = tokenGrant(claims);
  // An exchanged token is issued to one client from another's grant: both must stay registered.
  const exchanged =
    claims.xfr === undefined
      ? {}
      : {
          exchangedFrom: claims.xfr,
          ...(grant === undefined || grant.clientId === claims.client_id ? {} : { issuedTo: claims.client_id }),
        };
  const user = { userId: claims.sub, since: claims.iat };
  if (claims.pat && !grant) return { tokenId: claims.jti, user };
  if (claims.usr && !grant) return { clientId: claims.client_id, tokenId: claims.jti, ...exchanged, user };
  return {
    clientId: grant?.clientId ?? claims.client_id,
    tokenId: claims.jti,
    ...exchanged,
    ...(grant === undefined ? {} : { user: { ...user, grantId: grant.grantId } }),
  };
}

export interface TokenInspection {
  /** The verified claims of an unexpired token we issued, else null. */
  claims: AccessTokenClaims | null;
  active: boolean;
  revoked: boolean;
  /** The record of the client that presented credentials, read in the same round trip. */
  callerRecord: ClientRecord | null;
  /** The record of the client the token was issued to. */
  tokenClientRecord: ClientRecord | null;
  /** For a user's token: the user's email, which introspection reports as `username`. */
  username?: string;
}

/**
 * Whether an access token is active right now: ours, unexpired, not revoked, and its client
 * still registered. Revocation and the client records of the token and of the caller are read
 * in one round trip on every call; the projection store fails closed.
 */
export async function inspectToken(
  context: OAuthContext,
  token: string,
  callerId: string | undefined,
): Promise<TokenInspection> {
  const verified = await verifiedClaims(context, token);
  const claims = verified && verified.exp > epochSeconds(context.clock) ? verified : null;
  const callers = callerId === undefined ? [] : [callerId];
  if (!claims && callers.length === 0) {
    return { claims: null, active: false, revoked: false, callerRecord: null, tokenClientRecord: null };
  }
  if (!claims) {
    const state = await context.store.read({ clientIds: callers });
    return {
      claims,
      active: false,
      revoked: false,
      callerRecord: callerOf(state.clients, callerId),
      tokenClientRecord: null,
    };
  }
  const { liveness, clients } = await checkLiveness(context, accessTokenSubject(claims), callers);
  return {
    claims,
    active: liveness.live,
    ...(liveness.user ? { username: liveness.user.email } : {}),
    revoked: !liveness.live && liveness.reason === 'revoked',
    callerRecord: callerOf(clients, callerId),
    tokenClientRecord: liveness.client,
  };
}

function callerOf(
  clients: ReadonlyMap<string, ClientRecord | null>,
  callerId: string | undefined,
): ClientRecord | null {
  return callerId === undefined ? null : (clients.get(callerId) ?? null);
}
