import type { ClientRecord } from './client-projection';
import type { AppliedPosition, MemberCollection, OnceCollection, RecordCollection } from './projection-records';
import { guardKeys } from './guard-keys';
import type { ProjectionWriter, RestoredGuard } from './projection-writer';

/**
 * One write of a projector, as data: the Redis store sends the writes of a whole event (or of a
 * batch) to one Lua script, which applies them together with the log position, atomically.
 * Keys are relative to a projection generation's keyspace; values are JSON text.
 */
export type ProjectionOp =
  /** Apply-if-newer of a client record and its web-origin index; `rec` '' deletes it. */
  | { o: 'client'; id: string; part: number; off: string; rec: string }
  /** Apply-if-newer of a record; `rec` '' deletes it; `index` lists the collection's live ids. */
  | { o: 'record'; key: string; index?: string; id: string; part: number; off: string; rec: string }
  /** A lookup set once: the first value stays. */
  | { o: 'lookup'; key: string; value: string }
  /** A member added to a set that only grows. */
  | { o: 'sadd'; key: string; value: string }
  /** A write-once record kept until `exat` (epoch seconds). */
  | { o: 'once'; key: string; value: string; exat: string }
  /** A member of a hash set (its first value stays); the set lives at least until `exat`. */
  | { o: 'member'; key: string; field: string; value: string; exat: string }
  /** A marker that lives until `exat` (epoch seconds). */
  | { o: 'mark'; key: string; exat: string }
  /** A number that only ever grows. */
  | { o: 'raise'; key: string; value: string }
  /** A guard restored from the log, relative to the key prefix (not to a generation); the first value stays. */
  | { o: 'guard'; key: string; value: string; exat: string };

/** Where each key of a projection lives, relative to its generation's keyspace. */
export const projectionKeys = {
  client: (clientId: string) => `client:${clientId}`,
  clients: 'clients',
  origin: (origin: string) => `origin:${origin}`,
  record: (collection: RecordCollection | OnceCollection | MemberCollection, id: string) => `${collection}:${id}`,
  revoked: (jti: string) => `revoked:${jti}`,
  grantRevoked: (grantId: string) => `grant-revoked:${grantId}`,
  consentCutoff: (userId: string, clientId: string) => `consent-cutoff:${userId}:${clientId}`,
  clientUsed: (clientId: string) => `client-used:${clientId}`,
} as const;

/** Collects a projector's writes as ops instead of running them, in the order they were made. */
export class ProjectionOps implements ProjectionWriter {
  readonly ops: ProjectionOp[] = [];

  constructor(private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {}

  async applyClient(clientId: string, position: AppliedPosition, record: ClientRecord | null): Promise<void> {
    this.ops.push({ o: 'client', id: clientId, ...at(position), rec: record ? JSON.stringify(record) : '' });
  }

  async applyRecord(
    collection: RecordCollection,
    id: string,
    position: AppliedPosition,
    record: unknown,
    index?: string,
  ): Promise<void> {
    this.ops.push({
      o: 'record',
      key: projectionKeys.record(collection, id),
      ...(index === undefined ? {} : { index }),
      id,
      ...at(position),
      rec: record === null ? '' : JSON.stringify(record),
    });
  }

  async indexOnce(key: string, value: string): Promise<void> {
    this.ops.push({ o: 'lookup', key, value });
  }

  async addToSet(key: string, member: string): Promise<void> {
    this.ops.push({ o: 'sadd', key, value: member });
  }

  async putOnce(collection: OnceCollection, id: string, value: unknown, expiresAt: number): Promise<void> {
    if (expiresAt <= this.nowSeconds()) return;
    this.ops.push({
      o: 'once',
      key: projectionKeys.record(collection, id),
      value: JSON.stringify(value),
      exat: String(expiresAt),
    });
  }

  async addMember(
    collection: MemberCollection,
    id: string,
    member: string,
    value: unknown,
    expiresAt: number,
  ): Promise<void> {
    if (expiresAt <= this.nowSeconds()) return;
    this.ops.push({
      o: 'member',
      key: projectionKeys.record(collection, id),
      field: member,
      value: JSON.stringify(value),
      exat: String(expiresAt),
    });
  }

  async markRevoked(jti: string, expiresAt: number): Promise<void> {
    this.mark(projectionKeys.revoked(jti), expiresAt);
  }

  async markGrantRevoked(grantId: string, expiresAt: number): Promise<void> {
    this.mark(projectionKeys.grantRevoked(grantId), expiresAt);
  }

  async markConsentWithdrawn(userId: string, clientId: string, revokesGrantsBefore: number): Promise<void> {
    this.ops.push({
      o: 'raise',
      key: projectionKeys.consentCutoff(userId, clientId),
      value: String(revokesGrantsBefore),
    });
  }

  async markClientUsed(clientId: string, at: number): Promise<void> {
    this.ops.push({ o: 'raise', key: projectionKeys.clientUsed(clientId), value: String(at) });
  }

  async restoreGuard(guard: RestoredGuard): Promise<void> {
    if (guard.expiresAt <= this.nowSeconds()) return;
    const [key, value] =
      guard.kind === 'claim'
        ? [guardKeys.claim(guard.key), '1']
        : [guardKeys.refresh(guard.refreshId), String(guard.firstAt)];
    this.ops.push({ o: 'guard', key, value, exat: String(guard.expiresAt) });
  }

  private mark(key: string, expiresAt: number): void {
    if (expiresAt > this.nowSeconds()) this.ops.push({ o: 'mark', key, exat: String(expiresAt) });
  }
}

function at(position: AppliedPosition): { part: number; off: string } {
  return { part: position.partition, off: position.offset };
}
