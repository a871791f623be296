import type { GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord } from './client-projection';
import type { AppliedPosition, MemberCollection, OnceCollection, RecordCollection } from './projection-records';
import type { WrittenThroughEvent } from './projectors';
import type { UserRecord } from './user-projection';

export type { AppliedPosition, MemberCollection, OnceCollection, RecordCollection } from './projection-records';

/** What the hot paths need, read in a single round trip: clients, a token's and its grant's revocation, a user. */
export interface StateQuery {
  clientIds: readonly string[];
  jti?: string;
  /** Tokens `jti` was exchanged from (RFC 8693): revoking any of them revokes it too. */
  exchangedFrom?: readonly string[];
  grantId?: string;
  userId?: string;
  /** Reads when consent for this user and client was last withdrawn. */
  consent?: { userId: string; clientId: string };
  /** Reads whether this browser session was ended before its time (its written-through mark). */
  sessionId?: string;
}

export interface StateSnapshot {
  clients: ReadonlyMap<string, ClientRecord | null>;
  /** True when the token, one it was exchanged from, or its grant is revoked; false when neither was asked for. */
  revoked: boolean;
  /** Present when a `userId` was asked for. */
  user?: UserRecord | null;
  /** When `consent` was asked for: grants started before this (epoch seconds) are revoked; 0 if never withdrawn. */
  grantsRevokedBefore?: number;
  /** When `sessionId` was asked for: whether the session was ended (logout, an operator, a new sign-in). */
  sessionEnded?: boolean;
}

/**
 * The read projections, rebuilt from the log: clients, users, consents, revocation markers and
 * the records of later features (see projectors.ts). `apply` is the projector's (single writer
 * of records and positions); `writeThrough` is the recorder's, for a service that must make its
 * change visible before it answers.
 */
export interface ProjectionStore {
  apply(event: GrantlineEvent, position: AppliedPosition): Promise<void>;
  /**
   * Writes the marks the projector table gives these just-recorded events (markers, write-once
   * records), without a position; the projector applying them later changes nothing.
   */
  writeThrough(events: readonly WrittenThroughEvent[]): Promise<void>;
  getClient(clientId: string): Promise<ClientRecord | null>;
  listClients(): Promise<ClientRecord[]>;
  read(query: StateQuery): Promise<StateSnapshot>;
  getUser(userId: string): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  /** The remembered consented scopes of a user for a client, or null. */
  getConsent(userId: string, clientId: string): Promise<readonly string[] | null>;
  /** When a token was last issued to this client (epoch seconds), as far as the log still tells; null if never. */
  clientLastUsed(clientId: string): Promise<number | null>;
  /** Whether any registered client lists this web origin (CORS preflights, which carry no client id). */
  isWebOrigin(origin: string): Promise<boolean>;
  /** A positioned record of a collection (see projectors.ts), or null when absent or deleted. */
  getRecord(collection: RecordCollection, id: string): Promise<unknown>;
  /** The live records whose ids an index set lists. */
  listRecords(collection: RecordCollection, index: string): Promise<unknown[]>;
  /** A write-once record (see MarkWriter.putOnce), or null when absent or expired. */
  getOnce(collection: OnceCollection, id: string): Promise<unknown>;
  /** The members of a set (see MarkWriter.addMember) with their values; empty when absent or expired. */
  getMembers(collection: MemberCollection, id: string): Promise<ReadonlyMap<string, unknown>>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class ProjectionStoreUnavailableError extends Error {
  override readonly name: string = 'ProjectionStoreUnavailableError';
}

/** The projection cannot serve reads now: it is missing, being rebuilt, or went back in time. */
export class ProjectionUnavailableError extends ProjectionStoreUnavailableError {
  override readonly name = 'ProjectionUnavailableError';
}
