import type { GrantlineEvent } from '@grantline/lib-events';
import type { ProjectionStore } from './port';

type MarkerWriter = Pick<ProjectionStore, 'markRevoked' | 'markGrantRevoked' | 'markConsentWithdrawn'>;

/**
 * Writes the markers an event implies (token or grant revoked, consent withdrawn), the same way
 * in every store. True when the event is only a marker and there is nothing else to apply.
 */
export async function applyMarkers(store: MarkerWriter, event: GrantlineEvent): Promise<boolean> {
  switch (event.type) {
    case 'AccessTokenRevoked':
      await store.markRevoked(event.data.jti, event.data.expiresAt);
      return true;
    case 'GrantRevoked':
      await store.markGrantRevoked(event.data.grantId, event.data.expiresAt);
      return true;
    case 'ConsentWithdrawn':
      // The consent record itself is applied as well.
      await store.markConsentWithdrawn(event.data.userId, event.data.clientId, event.data.revokesGrantsBefore);
      return false;
    default:
      return false;
  }
}
