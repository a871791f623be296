import type { ClientRecord } from './client-projection';
import type { AppliedPosition, MemberCollection, OnceCollection, RecordCollection } from './projection-records';

/**
 * Writes keyed by the event alone: markers that live until an expiry, write-once records, and
 * a cut-off that only grows. Each is idempotent without a log position, so applying the same
 * event again (the projector after a service's write-through, or a replay) changes nothing.
 */
export interface MarkWriter {
  /** A write-once record kept until `expiresAt`; the first value stays. */
  putOnce(collection: OnceCollection, id: string, value: unknown, expiresAt: number): Promise<void>;
  /** Adds a member to a set (its first value stays); the set lives at least until `expiresAt`. */
  addMember(collection: MemberCollection, id: string, member: string, value: unknown, expiresAt: number): Promise<void>;
  markRevoked(jti: string, expiresAt: number): Promise<void>;
  markGrantRevoked(grantId: string, expiresAt: number): Promise<void>;
  /** Never moves the cut-off back. */
  markConsentWithdrawn(userId: string, clientId: string, revokesGrantsBefore: number): Promise<void>;
  /** When a token was last issued to a client (epoch seconds); never moves back. */
  markClientUsed(clientId: string, at: number): Promise<void>;
}

/**
 * The few writes every projection store offers; projectors are written against these, so the
 * Redis and memory stores apply events the same way. Each write is idempotent.
 */
export interface ProjectionWriter extends MarkWriter {
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
  /** Adds a member to a set that only grows; readers check each member against its record. */
  addToSet(key: string, member: string): Promise<void>;
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
