import type { ClientRecord } from '@grantline/lib-projections';

/**
 * Whether a grant given in a browser session ends when the session ends before its time: when
 * its client registered so (`endGrantsWithSession`, the default), unless the grant has
 * offline_access (OpenID Connect Core §11). Ending a session applies it to the grants the projection links to the session; redeeming a
 * code and refreshing apply it again, for a grant the projection had not linked yet.
 */
export function endsWithSession(client: ClientRecord, offline: boolean): boolean {
  return !offline && client.openid.endGrantsWithSession;
}
