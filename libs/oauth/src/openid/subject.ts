import { createHash } from 'node:crypto';
import type { ClientRecord } from '@grantline/lib-projections';
import { OAuthError } from '../errors';

/**
 * The host a pairwise client's subjects are computed for (OpenID Connect Core §8.1): the one it
 * registered, or else the single host all its redirect URIs share; null when there is none.
 */
export function sectorHostOf(client: Pick<ClientRecord, 'openid' | 'redirectUris'>): string | null {
  if (client.openid.sectorIdentifierHost !== null) return client.openid.sectorIdentifierHost;
  const hosts = new Set(client.redirectUris.map((uri) => hostOf(uri)));
  const [only, ...others] = [...hosts];
  return only !== undefined && only !== null && others.length === 0 ? only : null;
}

/**
 * The `sub` a client is told for a person, in ID tokens, UserInfo and logout tokens alike: the
 * user id for public subjects; for pairwise ones a SHA-256 over the sector host, the user id and
 * the operator's secret salt, so clients of different sectors cannot correlate a person and nobody
 * without the salt can reverse it.
 */
export function openIdSubject(
  client: Pick<ClientRecord, 'clientId' | 'openid' | 'redirectUris'>,
  userId: string,
  pairwiseSalt: string | null,
): string {
  if (client.openid.subjectType === 'public') return userId;
  const sector = sectorHostOf(client);
  if (sector === null || pairwiseSalt === null) {
    // A registration check refuses such a client; one that slipped through gets no subject at all.
    throw new OAuthError('server_error', `Pairwise subjects are not configured for client ${client.clientId}`, 500);
  }
  return createHash('sha256').update(`${sector}\u0000${userId}\u0000${pairwiseSalt}`).digest('base64url');
}

function hostOf(uri: string): string | null {
  try {
    return new URL(uri).host || null;
  } catch {
    return null;
  }
}
