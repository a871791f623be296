import { verifyAccessToken, type AccessTokenClaims } from '@grantline/lib-tokens';
import type { ClientRecord } from '@grantline/lib-projections';
import { epochSeconds } from './clock';
import type { OAuthContext } from './oauth-context';

export type TokenCheck =
  | { active: true; claims: AccessTokenClaims; client: ClientRecord }
  | { active: false; claims: AccessTokenClaims | null };

/** Signature (cached), then expiry against our clock. Null for anything we did not issue. */
export async function verifiedClaims(context: OAuthContext, token: string): Promise<AccessTokenClaims | null> {
  const cached = context.tokenCache.get(token);
  if (cached) return cached;
  const claims = await verifyAccessToken(context.keys, context.settings.issuer, token);
  if (claims) context.tokenCache.set(token, claims);
  return claims;
}

/**
 * Whether an access token is active right now: ours, unexpired, not revoked, and its client
 * still registered. Revocation is read on every call; the projection store fails closed.
 */
export async function checkAccessToken(context: OAuthContext, token: string): Promise<TokenCheck> {
  const claims = await verifiedClaims(context, token);
  if (!claims || claims.exp <= epochSeconds(context.clock)) return { active: false, claims };
  const state = await context.store.tokenContext(claims.jti, claims.client_id);
  if (state.revoked || !state.client) return { active: false, claims };
  return { active: true, claims, client: state.client };
}
