import type { EventOfType, GrantlineEvent, GrantlineEventType } from '@grantline/lib-events';
import { evolveClient } from './client-projection';
import { projectDeviceEvent } from './device-projection';
import type { AppliedPosition } from './projection-records';
import type { MarkWriter, ProjectionWriter } from './projection-writer';
import { projectResource } from './resource-projection';
import { projectSessionEnded, projectSessionGrant, projectSessionStarted } from './session-projection';
import { userEmailKeys } from './user-projection';

/** An authorization code lives at most this long (GRANTLINE_AUTHORIZATION_CODE_TTL), its claim a minute more. */
const CODE_CLAIM_SECONDS = 2 * 60;

/** Writes keyed by the event alone (see MarkWriter): idempotent without a position. */
type Marks<E extends GrantlineEvent> = (writer: MarkWriter, event: E) => Promise<void>;
/** Writes applied in log order: apply-if-newer records, lookups, restored guards. */
type Positioned<E extends GrantlineEvent> = (
  writer: ProjectionWriter,
  event: E,
  position: AppliedPosition,
) => Promise<void>;

/**
 * What one event does to the read model: its marks, then its positioned writes. An entry with
 * `writeThrough` lets the service that records the event write its marks through before it
 * answers (see ProjectionStore.writeThrough); the projector writes the same marks again from
 * the log, which changes nothing. Positioned writes are the projector's alone.
 */
export type ProjectorEntry<E extends GrantlineEvent> =
  | { marks?: Marks<E>; positioned?: Positioned<E>; writeThrough?: false }
  | { marks: Marks<E>; positioned?: Positioned<E>; writeThrough: true };

/** Every event type has an entry, so a new event that nobody projects fails to compile. */
type ProjectorTable = { [T in GrantlineEventType]: ProjectorEntry<EventOfType<T>> | null };

const client: ProjectorEntry<
  EventOfType<'ClientRegistered' | 'ClientUpdated' | 'ClientSecretRotated' | 'ClientDeleted'>
> = {
  // Client events carry the whole client, so the reducer needs no prior state.
  positioned: (writer, event, position) => writer.applyClient(event.aggregate.id, position, evolveClient(null, event)),
};

const user: ProjectorEntry<
  EventOfType<'UserRegistered' | 'UserPasswordChanged' | 'UserDisabled' | 'UserEnabled' | 'UserProfileChanged'>
> = {
  positioned: async (writer, event, position) => {
    const record = event.data.user;
    await writer.applyRecord('user', event.aggregate.id, position, record, 'users');
    // The first account projected with an address keeps it while it holds it; every account
    // that ever held it is a candidate, so a changed address is found at once (see emailOwner).
    await writer.indexOnce(userEmailKeys.lookup(record.email), record.userId);
    await writer.addToSet(userEmailKeys.candidates(record.email), record.userId);
  },
};

function consentIndex(consentKey: string): string {
  return `consents:${consentKey.split(':')[0] ?? ''}`;
}

type PersonalAccessTokenEvent = EventOfType<'PersonalAccessTokenCreated' | 'PersonalAccessTokenRevoked'>;

const personalAccessTokenMarker: Marks<PersonalAccessTokenEvent> = async (writer, event) => {
  const { token } = event.data;
  if (token.revokedAt !== null) await writer.markRevoked(token.tokenId, token.expiresAt);
};

const personalAccessTokenRecord: Positioned<PersonalAccessTokenEvent> = (writer, event, position) =>
  writer.applyRecord(
    'personal-access-token',
    event.data.token.tokenId,
    position,
    event.data.token,
    `personal-access-tokens:${event.data.token.userId}`,
  );

/**
 * Events that only the audit reads (or that no projection needs) are null. Written through:
 * revocations (every introspection replica must refuse the token before the revoker is
 * answered), ended sessions (likewise for every authorization page replica) and device authorization records (the verification page and the next poll, on any
 * replica, must find them).
 */
export const projectors = {
  ClientRegistered: client,
  ClientUpdated: client,
  ClientSecretRotated: client,
  ClientDeleted: client,
  ResourceRegistered: { positioned: projectResource },
  ResourceUpdated: { positioned: projectResource },
  ResourceDeleted: { positioned: projectResource },
  UserRegistered: user,
  UserPasswordChanged: user,
  UserDisabled: user,
  UserEnabled: user,
  UserProfileChanged: user,
  ConsentGranted: {
    marks: async (writer, event) => {
      const { userId, clientId, revokesGrantsBefore } = event.data;
      if (revokesGrantsBefore) await writer.markConsentWithdrawn(userId, clientId, revokesGrantsBefore);
    },
    positioned: async (writer, event, position) => {
      const { scopes, resources } = event.data;
      await writer.applyRecord('consent', event.aggregate.id, position, scopes, consentIndex(event.aggregate.id));
      await writer.applyRecord('consent-resources', event.aggregate.id, position, resources ?? null);
    },
  },
  ConsentWithdrawn: {
    marks: (writer, event) =>
      writer.markConsentWithdrawn(event.data.userId, event.data.clientId, event.data.revokesGrantsBefore),
    positioned: async (writer, event, position) => {
      await writer.applyRecord('consent', event.aggregate.id, position, null, consentIndex(event.aggregate.id));
      await writer.applyRecord('consent-resources', event.aggregate.id, position, null);
    },
  },
  AccessTokenRevoked: {
    marks: (writer, event) => writer.markRevoked(event.data.jti, event.data.expiresAt),
    writeThrough: true,
  },
  GrantRevoked: {
    marks: (writer, event) => writer.markGrantRevoked(event.data.grantId, event.data.expiresAt),
    writeThrough: true,
  },
  // When a client was last given a token: dynamic clients idle for too long expire (0043).
  AccessTokenIssued: { marks: (writer, event) => writer.markClientUsed(event.data.clientId, event.data.issuedAt) },
  // Which grants (and clients) a session gave codes to: what ending it revokes and notifies.
  AuthorizationCodeIssued: { marks: projectSessionGrant },
  AuthorizationCodeRedeemed: {
    positioned: (writer, event) =>
      writer.restoreGuard({
        kind: 'claim',
        key: `code:${event.data.codeId}`,
        expiresAt: Math.floor(Date.parse(event.occurredAt) / 1000) + CODE_CLAIM_SECONDS,
      }),
  },
  RefreshTokenIssued: null,
  RefreshTokenRotated: {
    positioned: (writer, event) =>
      writer.restoreGuard({
        kind: 'refresh',
        refreshId: event.data.previousId,
        firstAt: Date.parse(event.occurredAt),
        expiresAt: event.data.grantExpiresAt,
      }),
  },
  ArtifactReuseDetected: null,
  SignInSucceeded: null,
  SignInFailed: null,
  SessionStarted: { marks: projectSessionStarted },
  // Every replica must refuse an ended session before whoever ended it is answered.
  SessionEnded: { marks: projectSessionEnded, writeThrough: true },
  BackchannelLogoutDelivered: null,
  BackchannelLogoutFailed: null,
  DeviceAuthorizationRequested: { marks: projectDeviceEvent, writeThrough: true },
  DeviceAuthorizationApproved: { marks: projectDeviceEvent, writeThrough: true },
  DeviceAuthorizationDenied: { marks: projectDeviceEvent, writeThrough: true },
  // The code's single-use claim already stops a second exchange; the poll reads this later.
  DeviceCodeRedeemed: { marks: projectDeviceEvent },
  UserCodeRejected: null,
  PersonalAccessTokenCreated: { marks: personalAccessTokenMarker, positioned: personalAccessTokenRecord },
  PersonalAccessTokenRevoked: {
    marks: personalAccessTokenMarker,
    positioned: personalAccessTokenRecord,
    writeThrough: true,
  },
} satisfies ProjectorTable;

/** The event types a service may write through (their entry says `writeThrough: true`). */
export type WrittenThroughType = {
  [T in GrantlineEventType]: (typeof projectors)[T] extends { writeThrough: true } ? T : never;
}[GrantlineEventType];
export type WrittenThroughEvent = EventOfType<WrittenThroughType>;

function entryOf(event: GrantlineEvent): ProjectorEntry<GrantlineEvent> | null {
  return (projectors as ProjectorTable)[event.type] as ProjectorEntry<GrantlineEvent> | null;
}

/** Whether a service may write this event's marks through (see ProjectorEntry). */
export function isWrittenThrough(event: GrantlineEvent): event is WrittenThroughEvent {
  return entryOf(event)?.writeThrough === true;
}

/** Routes one event to its projector; the same table serves every store. */
export async function projectEvent(
  writer: ProjectionWriter,
  event: GrantlineEvent,
  position: AppliedPosition,
): Promise<void> {
  const entry = entryOf(event);
  if (!entry) return;
  await entry.marks?.(writer, event);
  await entry.positioned?.(writer, event, position);
}

/**
 * Writes the marks of events a service has just recorded, exactly as the projector will from
 * the log, without a position: the projector stays the only writer of positions. Events whose
 * entry does not allow it are skipped.
 */
export async function writeMarksThrough(writer: MarkWriter, events: readonly WrittenThroughEvent[]): Promise<void> {
  for (const event of events) {
    const entry = entryOf(event);
    if (entry?.writeThrough) await entry.marks(writer, event);
  }
}
