import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';

const grant = (grantId: string) => ({ type: 'grant', id: grantId }) as const;

/** An AuthorizationCodeRedeemed event of grant `g1`, recorded now. */
export function codeRedeemed(codeId: string, clientId = 'app'): GrantlineEvent {
  return stampEvent(
    { type: 'AuthorizationCodeRedeemed', aggregate: grant('g1'), data: { grantId: 'g1', codeId, clientId } },
    { now: () => new Date() },
  );
}

/** A RefreshTokenRotated event of grant `g1` (`previousId` → `refreshId`), recorded `agoMs` ago. */
export function refreshRotated(previousId: string, refreshId: string, agoMs = 60_000): GrantlineEvent {
  const at = Math.floor(Date.now() / 1000);
  return stampEvent(
    {
      type: 'RefreshTokenRotated',
      aggregate: grant('g1'),
      data: {
        grantId: 'g1',
        refreshId,
        previousId,
        clientId: 'app',
        userId: 'u1',
        scope: 'read',
        expiresAt: at + 3600,
        grantExpiresAt: at + 7200,
        withinGracePeriod: false,
      },
    },
    { now: () => new Date(Date.now() - agoMs) },
  );
}
