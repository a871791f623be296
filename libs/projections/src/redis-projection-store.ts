import type { Redis } from 'ioredis';
import type { GrantlineEvent } from '@grantline/lib-events';
import { clientSnapshotSchema, userSnapshotSchema } from '@grantline/lib-events';
import type { ClientRecord } from './client-projection';
import {
  ProjectionStoreUnavailableError,
  ProjectionUnavailableError,
  type AppliedPosition,
  type MemberCollection,
  type OnceCollection,
  type ProjectionStore,
  type RecordCollection,
  type StateQuery,
  type StateSnapshot,
} from './port';
import { ProjectionOps, projectionKeys, type ProjectionOp } from './projection-ops';
import { projectEvent, writeMarksThrough, type WrittenThroughEvent } from './projectors';
import { failClosed, RedisStore, type RedisConnectionOptions } from './redis-connection';
import { ConnectionIncarnation } from './redis-incarnation';
import { applyOps, defineProjectionScripts, positionsOf, SERVING_KEY } from './redis-projection-commands';
import { ServingCheck } from './serving-check';
import { emailOwner, userEmailKeys, type UserRecord } from './user-projection';

export type RedisProjectionStoreOptions = RedisConnectionOptions;

type StoredClient = { partition: number; offset: string; record?: unknown; deleted?: boolean };

type Pipeline = ReturnType<Redis['pipeline']>;

/**
 * Redis projections, read from the generation the pointer names (see redis-projection-scripts.ts).
 * Every read checks the pointer in the same round trip and fails closed — 503 upstream — while
 * the projection is missing, rebuilding, not checked since Redis (re)started, or has gone back in
 * time; commands also fail fast while
 * Redis is unreachable (no offline queue), so nothing stale is served.
 */
export class RedisProjectionStore extends RedisStore implements ProjectionStore {
  private readonly clients = new ParsedClientCache(1_000);
  private readonly serving = new ServingCheck();
  private readonly incarnation: ConnectionIncarnation;

  constructor(options: RedisProjectionStoreOptions) {
    super(options);
    this.incarnation = new ConnectionIncarnation(this.redis);
    defineProjectionScripts(this.redis);
  }

  /** Applies an event into the active generation, as the projector does into its own. */
  async apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    await applyOps(this.redis, this.prefix, { mode: 'active' }, await opsOf(event, position), positionsOf([position]));
  }

  /** Into the active generation and any being rebuilt beside it; positions are not touched. */
  async writeThrough(events: readonly WrittenThroughEvent[]): Promise<void> {
    const ops = new ProjectionOps();
    await writeMarksThrough(ops, events);
    if (ops.ops.length > 0) await applyOps(this.redis, this.prefix, { mode: 'through' }, ops.ops, {});
  }

  async getOnce(collection: OnceCollection, id: string): Promise<unknown> {
    const [raw] = await this.get([projectionKeys.record(collection, id)]);
    return raw === null || raw === undefined ? null : (JSON.parse(raw) as unknown);
  }

  async getMembers(collection: MemberCollection, id: string): Promise<ReadonlyMap<string, unknown>> {
    const { replies } = await this.query([], (pipeline, key) =>
      pipeline.hgetall(key(projectionKeys.record(collection, id))),
    );
    const stored = (replies[0] ?? {}) as Record<string, string>;
    return new Map(Object.entries(stored).map(([member, value]) => [member, JSON.parse(value) as unknown]));
  }

  async getRecord(collection: RecordCollection, id: string): Promise<unknown> {
    const [raw] = await this.get([projectionKeys.record(collection, id)]);
    return parseStored(raw ?? null, (record) => record);
  }

  async listRecords(collection: RecordCollection, index: string): Promise<unknown[]> {
    const values = await this.listIndexed(index, (id) => projectionKeys.record(collection, id));
    return values.map((raw) => parseStored(raw, (record) => record)).filter((record) => record !== null);
  }

  async getClient(clientId: string): Promise<ClientRecord | null> {
    const [raw] = await this.get([projectionKeys.client(clientId)]);
    return this.clients.parse(raw ?? null);
  }

  async listClients(): Promise<ClientRecord[]> {
    const values = await this.listIndexed(projectionKeys.clients, projectionKeys.client);
    return values.map((raw) => this.clients.parse(raw)).filter((record): record is ClientRecord => record !== null);
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    const record = await this.getRecord('user', userId);
    return record === null ? null : parseUser(record);
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const { values, replies } = await this.query([userEmailKeys.lookup(email)], (pipeline, key) =>
      pipeline.smembers(key(userEmailKeys.candidates(email))),
    );
    const ids = [...new Set([values[0], ...((replies[0] ?? []) as string[])])].filter((id) => typeof id === 'string');
    if (ids.length === 0) return null;
    const users = (await this.get(ids.map((id) => projectionKeys.record('user', id))))
      .map((raw) => parseStored(raw ?? null, parseUser))
      .filter((user) => user !== null);
    const firstId = values[0];
    return emailOwner(email, users.find((user) => user.userId === firstId) ?? null, users);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.listRecords('user', 'users')).map(parseUser);
  }

  async getConsent(userId: string, clientId: string): Promise<readonly string[] | null> {
    const record = await this.getRecord('consent', `${userId}:${clientId}`);
    return Array.isArray(record) ? record.filter((scope): scope is string => typeof scope === 'string') : null;
  }

  async clientLastUsed(clientId: string): Promise<number | null> {
    const [raw] = await this.get([projectionKeys.clientUsed(clientId)]);
    return raw === null || raw === undefined ? null : Number(raw);
  }

  async isWebOrigin(origin: string): Promise<boolean> {
    const { replies } = await this.query([], (pipeline, key) => pipeline.scard(key(projectionKeys.origin(origin))));
    return Number(replies[0]) > 0;
  }

  async read(query: StateQuery): Promise<StateSnapshot> {
    const ids = [...new Set(query.clientIds)];
    const marks = [
      ...(query.jti === undefined ? [] : [projectionKeys.revoked(query.jti)]),
      ...(query.exchangedFrom ?? []).map(projectionKeys.revoked),
      ...(query.grantId === undefined ? [] : [projectionKeys.grantRevoked(query.grantId)]),
    ];
    // Every key of the query rides in the MGET that reads the serving marker: one command, which
    // the connection pipelines with the other requests' reads of the same tick.
    const keys = [
      ...ids.map(projectionKeys.client),
      ...(query.userId === undefined ? [] : [projectionKeys.record('user', query.userId)]),
      ...(query.consent === undefined
        ? []
        : [projectionKeys.consentCutoff(query.consent.userId, query.consent.clientId)]),
      ...(query.sessionId === undefined ? [] : [projectionKeys.record('session-ended', query.sessionId)]),
      ...marks,
    ];
    const values = await this.get(keys);
    let next = ids.length;
    const take = () => values[next++] ?? null;
    const clients = new Map(ids.map((id, index) => [id, this.clients.parse(values[index] ?? null)]));
    return {
      clients,
      ...(query.userId === undefined ? {} : { user: parseStored(take(), parseUser) }),
      ...(query.consent === undefined ? {} : { grantsRevokedBefore: Number(take() ?? 0) }),
      ...(query.sessionId === undefined ? {} : { sessionEnded: take() !== null }),
      revoked: values.slice(keys.length - marks.length).some((value) => value !== null),
    };
  }

  /** Whether reads are served now: a projection exists, is ready and has not gone back in time. */
  async isServing(): Promise<boolean> {
    try {
      await this.query([]);
      return true;
    } catch {
      return false;
    }
  }

  /** Values of keys of the generation, read with the serving marker in one MGET. */
  private async get(keys: readonly string[]): Promise<Array<string | null>> {
    return (await this.query(keys)).values;
  }

  /**
   * One round trip: an MGET of the serving marker and `keys` of the generation last seen, then
   * the commands `build` adds. When the marker names another generation the read is made again
   * there, once. The server's incarnation is learned once per connection (one INFO after each
   * (re)connect), so the hot path sends nothing more.
   */
  private async query(
    keys: readonly string[],
    build?: (pipeline: Pipeline, key: (suffix: string) => string) => void,
  ): Promise<{ values: Array<string | null>; replies: unknown[] }> {
    const incarnation = this.incarnation.known ?? (await this.run(() => this.incarnation.learn()));
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const generation = this.serving.generation;
      const key = (suffix: string) => `${this.prefix}${generation}:${suffix}`;
      const mget = [this.key(SERVING_KEY), ...(generation === undefined ? [] : keys.map(key))];
      const { fetched, replies } =
        build === undefined || generation === undefined
          ? { fetched: await this.run(() => this.redis.mget(...mget)), replies: [] }
          : await this.pipelined(mget, (pipeline) => build(pipeline, key));
      const [marker = null, ...values] = fetched;
      // The connection was made again while the read was out: the reply may be another server's.
      if (this.incarnation.known !== incarnation) {
        throw new ProjectionUnavailableError('the redis connection changed during the read');
      }
      if (this.serving.check(marker, incarnation) === generation) return { values, replies };
    }
    throw new ProjectionUnavailableError('the projection generation changed during the read');
  }

  /** The MGET and the commands `build` adds, in one pipeline. */
  private async pipelined(
    mget: readonly string[],
    build: (pipeline: Pipeline) => void,
  ): Promise<{ fetched: Array<string | null>; replies: unknown[] }> {
    const pipeline = this.redis.pipeline();
    pipeline.mget(...mget);
    build(pipeline);
    const results = await this.run(() => pipeline.exec());
    if (!results || results.some(([error]) => error)) {
      throw new ProjectionStoreUnavailableError('redis pipeline failed');
    }
    return {
      fetched: (results[0]?.[1] ?? []) as Array<string | null>,
      replies: results.slice(1).map(([, value]) => value),
    };
  }

  /** The members of an index set, then the records they name, in two round trips. */
  private async listIndexed(index: string, recordKey: (id: string) => string): Promise<Array<string | null>> {
    const { replies } = await this.query([], (pipeline, key) => pipeline.smembers(key(index)));
    const ids = replies[0] as string[];
    return ids.length === 0 ? [] : this.get(ids.map(recordKey));
  }

  private run<T>(operation: () => Promise<T>): Promise<T> {
    return failClosed(operation);
  }
}

/** The ops an event's projector writes, with its position. */
async function opsOf(event: GrantlineEvent, position: AppliedPosition): Promise<ProjectionOp[]> {
  const ops = new ProjectionOps();
  await projectEvent(ops, event, position);
  return ops.ops;
}

function parseUser(record: unknown): UserRecord {
  return userSnapshotSchema.parse(record);
}

/** Reads a stored `{partition, offset, record}` entry; null when absent or deleted. */
function parseStored<T>(raw: string | null, parse: (record: unknown) => T): T | null {
  if (!raw) return null;
  const stored = JSON.parse(raw) as StoredClient;
  return stored.deleted || stored.record === undefined ? null : parse(stored.record);
}

/**
 * Client records are read on every hot-path request; validating the same stored JSON again and
 * again is wasted work, so parsed records are remembered by their exact stored text.
 */
class ParsedClientCache {
  private readonly parsed = new Map<string, ClientRecord | null>();

  constructor(private readonly capacity: number) {}

  parse(raw: string | null): ClientRecord | null {
    if (!raw) return null;
    const known = this.parsed.get(raw);
    if (known !== undefined) return known;
    const stored = JSON.parse(raw) as StoredClient;
    const record = stored.deleted || stored.record === undefined ? null : clientSnapshotSchema.parse(stored.record);
    if (this.parsed.size >= this.capacity) this.parsed.clear();
    this.parsed.set(raw, record);
    return record;
  }
}
