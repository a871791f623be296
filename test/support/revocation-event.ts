import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';

/** An AccessTokenRevoked event for `jti`, stamped now, expiring in ten minutes. */
export function revocationEvent(jti: string): GrantlineEvent {
  return stampEvent(
    {
      type: 'AccessTokenRevoked',
      aggregate: { type: 'token', id: jti },
      data: { jti, clientId: 'c', expiresAt: Math.floor(Date.now() / 1000) + 600, revokedBy: null },
    },
    { now: () => new Date() },
  );
}
