import type { EventOfType, GrantlineEvent, GrantlineEventType } from '@grantline/lib-events';
import { evolveClient, type ClientRecord } from './client-projection';
import { projectDeviceEvent } from './device-projection';
import type { AppliedPosition, OnceCollection, RecordCollection } from './port';
import { normaliseEmail } from './user-projection';

/**
 * The few writes every projection store offers; projectors are written against these, so the
 * Redis and memory stores apply events the same way. Each write is idempotent.
 */
export interface ProjectionWriter {
  /** Apply-if-newer of a client record with its web-origin index, atomically. */
  applyClient(clientId: string, position: AppliedPosition, record: ClientRecord | null): Promise<void>;
  /** Apply-if-newer of a record (null deletes it); `index` is a set listing the collection's live ids. */
  applyRecord(
    collection: RecordCollection,
    id: string,
    position: AppliedPosition,
    record: unknown,
    index?: string,
  ): Promise<void>;
  /** Sets a lookup key only if it has none yet. */
  indexOnce(key: string, value: string): Promise<void>;
  putOnce(collection: OnceCollection, id: string, value: unknown, expiresAt: number): Promise<void>;
  markRevoked(jti: string, expiresAt: number): Promise<void>;
  markGrantRevoked(grantId: string, expiresAt: number): Promise<void>;
  markConsentWithdrawn(userId: string, clientId: string, revokesGrantsBefore: number): Promise<void>;
  /**
   * Puts back a single-use guard that the log shows was used (a redeemed code, a rotated
   * refresh token), so a store that lost its guards does not accept them a second time. Stores
   * whose guards cannot be lost apart from the projection may ignore it.
   */
  restoreGuard(guard: RestoredGuard): Promise<void>;
}

/** A guard the log proves was taken; see GuardStore. */
export type RestoredGuard =
  | { kind: 'claim'; key: string; expiresAt: number }
  | { kind: 'refresh'; refreshId: string; firstAt: number; expiresAt: number };

/** An authorization code lives at most this long (GRANTLINE_AUTHORIZATION_CODE_TTL), its claim a minute more. */
const CODE_CLAIM_SECONDS = 2 * 60;

type ProjectorOf<E extends GrantlineEvent> = (
  writer: ProjectionWriter,
  event: E,
  position: AppliedPosition,
) => Promise<void>;
type Projector<T extends GrantlineEventType> = ProjectorOf<EventOfType<T>>;

/** Every event type has an entry, so a new event that nobody projects fails to compile. */
type ProjectorTable = { [T in GrantlineEventType]: ProjectorOf<EventOfType<T>> | null };

const client: Projector<'ClientRegistered' | 'ClientUpdated' | 'ClientSecretRotated' | 'ClientDeleted'> = (
  writer,
  event,
  position,
) =>
  // Client events carry the whole client, so the reducer needs no prior state.
  writer.applyClient(event.aggregate.id, position, evolveClient(null, event));

const user: Projector<'UserRegistered' | 'UserPasswordChanged' | 'UserDisabled' | 'UserEnabled'> = async (
  writer,
  event,
  position,
) => {
  const record = event.data.user;
  await writer.applyRecord('user', event.aggregate.id, position, record, 'users');
  // The first account registered with an address keeps it; replays set the same value.
  await writer.indexOnce(`user-email:${normaliseEmail(record.email)}`, record.userId);
};

function consentIndex(consentKey: string): string {
  return `consents:${consentKey.split(':')[0] ?? ''}`;
}

const personalAccessToken: Projector<'PersonalAccessTokenCreated' | 'PersonalAccessTokenRevoked'> = async (
  writer,
  event,
  position,
) => {
  const { token } = event.data;
  if (token.revokedAt !== null) await writer.markRevoked(token.tokenId, token.expiresAt);
  await writer.applyRecord(
    'personal-access-token',
    token.tokenId,
    position,
    token,
    `personal-access-tokens:${token.userId}`,
  );
};

/** Events that only the audit reads (or that no projection needs) are null. */
export const projectors: ProjectorTable = {
  ClientRegistered: client,
  ClientUpdated: client,
  ClientSecretRotated: client,
  ClientDeleted: client,
  UserRegistered: user,
  UserPasswordChanged: user,
  UserDisabled: user,
  UserEnabled: user,
  ConsentGranted: async (writer, event, position) => {
    const { userId, clientId, revokesGrantsBefore } = event.data;
    if (revokesGrantsBefore) await writer.markConsentWithdrawn(userId, clientId, revokesGrantsBefore);
    await writer.applyRecord(
      'consent',
      event.aggregate.id,
      position,
      event.data.scopes,
      consentIndex(event.aggregate.id),
    );
  },
  ConsentWithdrawn: async (writer, event, position) => {
    await writer.markConsentWithdrawn(event.data.userId, event.data.clientId, event.data.revokesGrantsBefore);
    await writer.applyRecord('consent', event.aggregate.id, position, null, consentIndex(event.aggregate.id));
  },
  AccessTokenRevoked: (writer, event) => writer.markRevoked(event.data.jti, event.data.expiresAt),
  GrantRevoked: (writer, event) => writer.markGrantRevoked(event.data.grantId, event.data.expiresAt),
  AccessTokenIssued: null,
  AuthorizationCodeIssued: null,
  AuthorizationCodeRedeemed: (writer, event) =>
    writer.restoreGuard({
      kind: 'claim',
      key: `code:${event.data.codeId}`,
      expiresAt: Math.floor(Date.parse(event.occurredAt) / 1000) + CODE_CLAIM_SECONDS,
    }),
  RefreshTokenIssued: null,
  RefreshTokenRotated: (writer, event) =>
    writer.restoreGuard({
      kind: 'refresh',
      refreshId: event.data.previousId,
      firstAt: Date.parse(event.occurredAt),
      expiresAt: event.data.grantExpiresAt,
    }),
  ArtifactReuseDetected: null,
  SignInSucceeded: null,
  SignInFailed: null,
  DeviceAuthorizationRequested: projectDeviceEvent,
  DeviceAuthorizationApproved: projectDeviceEvent,
  DeviceAuthorizationDenied: projectDeviceEvent,
  DeviceCodeRedeemed: projectDeviceEvent,
  UserCodeRejected: null,
  PersonalAccessTokenCreated: personalAccessToken,
  PersonalAccessTokenRevoked: personalAccessToken,
};

/** Routes one event to its projector; the same table serves every store. */
export async function projectEvent(
  writer: ProjectionWriter,
  event: GrantlineEvent,
  position: AppliedPosition,
): Promise<void> {
  const projector = projectors[event.type] as ProjectorOf<GrantlineEvent> | null;
  await projector?.(writer, event, position);
}
