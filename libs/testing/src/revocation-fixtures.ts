import {
  consentId,
  stampEvent,
  type AnyEventDraft,
  type EventOfType,
  type GrantlineEventType,
} from '@grantline/lib-events';

/** Stamps a draft as recorded now, keeping its type narrow. */
function recordedNow<T extends GrantlineEventType>(draft: Extract<AnyEventDraft, { type: T }>): EventOfType<T> {
  return stampEvent(draft, { now: () => new Date() }) as EventOfType<T>;
}

/** An AccessTokenRevoked event of token `jti` of client `app`, recorded now. */
export function tokenRevoked(jti: string, expiresAt: number): EventOfType<'AccessTokenRevoked'> {
  return recordedNow({
    type: 'AccessTokenRevoked',
    aggregate: { type: 'token', id: jti },
    data: { jti, clientId: 'app', expiresAt, revokedBy: null },
  });
}

/** A GrantRevoked event of grant `grantId` of client `app`, recorded now. */
export function grantRevoked(grantId: string, expiresAt: number): EventOfType<'GrantRevoked'> {
  return recordedNow({
    type: 'GrantRevoked',
    aggregate: { type: 'grant', id: grantId },
    data: { grantId, clientId: 'app', reason: 'refresh_token_revoked', expiresAt, revokedBy: null },
  });
}

/** A ConsentWithdrawn event of `userId` for `clientId`, recorded now. */
export function consentWithdrawn(
  userId: string,
  clientId: string,
  revokesGrantsBefore: number,
): EventOfType<'ConsentWithdrawn'> {
  return recordedNow({
    type: 'ConsentWithdrawn',
    aggregate: { type: 'consent', id: consentId(userId, clientId) },
    data: { userId, clientId, revokesGrantsBefore },
  });
}
