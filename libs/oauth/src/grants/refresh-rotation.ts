import type { ClientRecord } from '@grantline/lib-projections';

/**
 * Whether a client's refresh tokens are replaced on every use. Public clients always rotate
 * (OAuth 2.1 §4.3.1); a confidential client may be registered not to (FAPI 2.0 asks servers not
 * to rotate), and then keeps one refresh token, bound to its credentials, for the grant's life.
 */
export function rotatesRefreshTokens(client: ClientRecord): boolean {
  return client.public || client.refreshTokens.rotate;
}
