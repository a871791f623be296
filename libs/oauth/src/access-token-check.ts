import { verifyAccessToken, type AccessTokenClaims } from '@grantline/lib-tokens';
import type { ClientRecord } from '@grantline/lib-projections';
import { epochSeconds } from './clock';
import type { OAuthContext } from './oauth-context';

/** Signature (cached), then expiry against our clock. Null for anything we did not issue. */
export async function verifiedClaims(context: OAuthContext, token: string): Promise<AccessTokenClaims | null> {
  const cached = context.tokenCache.get(token);
  if (cached) return cached;
  const claims = await verifyAccessToken(context.keys, context.settings.issuer, token);
  if (claims) context.tokenCache.set(token, claims);
  return claims;
}

/**
 * What a user's token also depends on: its grant not revoked, its user still active, and the
 * user's consent for the client not withdrawn since the token was issued.
 */
export function userGrantQuery(claims: AccessTokenClaims) {
  return {
    ...(claims.gid === undefined ? {} : { grantId: claims.gid }),
    userId: claims.sub,
    consent: { userId: claims.sub, clientId: claims.client_id },
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
  const clientIds = [...(callerId === undefined ? [] : [callerId]), ...(claims ? [claims.client_id] : [])];
  if (clientIds.length === 0) {
    return { claims: null, active: false, revoked: false, callerRecord: null, tokenClientRecord: null };
  }
  // A user's token (one with a grant) also needs its user: still there and not disabled.
  const userGrant = claims?.gid === undefined ? {} : userGrantQuery(claims);
  const marks = claims ? { jti: claims.jti, ...userGrant } : {};
  const state = await context.store.read({ clientIds, ...marks });
  const tokenClient = claims ? state.clients.get(claims.client_id) : null;
  const userActive = state.user === undefined || (state.user !== null && !state.user.disabled);
  const consentHolds = claims === null || claims.iat >= (state.grantsRevokedBefore ?? 0);
  return {
    claims,
    active: claims !== null && !state.revoked && Boolean(tokenClient) && userActive && consentHolds,
    ...(state.user ? { username: state.user.email } : {}),
    revoked: state.revoked,
    callerRecord: callerId === undefined ? null : (state.clients.get(callerId) ?? null),
    tokenClientRecord: tokenClient ?? null,
  };
}
