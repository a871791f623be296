import type { GrantlineEvent } from '@grantline/lib-events';
import { clientSnapshotSchema, userSnapshotSchema } from '@grantline/lib-events';
import type { ClientRecord } from './client-projection';
import {
  ProjectionStoreUnavailableError,
  type AppliedPosition,
  type OnceCollection,
  type ProjectionStore,
  type RecordCollection,
  type StateQuery,
  type StateSnapshot,
} from './port';
import { projectEvent, type ProjectionWriter } from './projectors';
import { callDefined, failClosed, RedisStore, type RedisConnectionOptions } from './redis-connection';
import { applyClientWithOriginsScript, applyRecordScript, raiseToScript } from './redis-scripts';
import { normaliseEmail, type UserRecord } from './user-projection';

export type RedisProjectionStoreOptions = RedisConnectionOptions;

type StoredClient = { partition: number; offset: string; record?: unknown; deleted?: boolean };

/**
 * Redis projections. Commands fail fast while Redis is unreachable (no offline queue), so
 * callers answer 503 instead of serving stale state.
 */
export class RedisProjectionStore extends RedisStore implements ProjectionStore, ProjectionWriter {
  private readonly clients = new ParsedClientCache(1_000);

  constructor(options: RedisProjectionStoreOptions) {
    super(options);
    this.redis.defineCommand('grantlineApplyClient', { numberOfKeys: 2, lua: applyClientWithOriginsScript });
    this.redis.defineCommand('grantlineApplyRecord', { numberOfKeys: 2, lua: applyRecordScript });
    this.redis.defineCommand('grantlineApplyRecordUnindexed', { numberOfKeys: 1, lua: applyRecordScript });
    this.redis.defineCommand('grantlineRaiseTo', { numberOfKeys: 1, lua: raiseToScript });
  }

  apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    return projectEvent(this, event, position);
  }

  async applyClient(clientId: string, position: AppliedPosition, record: ClientRecord | null): Promise<void> {
    await this.run(() =>
      this.call('grantlineApplyClient', [
        this.clientKey(clientId),
        this.key('clients'),
        clientId,
        String(position.partition),
        position.offset,
        record ? JSON.stringify(record) : '',
        this.key('origin:'),
      ]),
    );
  }

  async applyRecord(
    collection: RecordCollection,
    id: string,
    position: AppliedPosition,
    record: unknown,
    index?: string,
  ): Promise<void> {
    const args = [id, String(position.partition), position.offset, record === null ? '' : JSON.stringify(record)];
    const recordKey = this.key(`${collection}:${id}`);
    await this.run(() =>
      index === undefined
        ? this.call('grantlineApplyRecordUnindexed', [recordKey, ...args])
        : this.call('grantlineApplyRecord', [recordKey, this.key(index), ...args]),
    );
  }

  async indexOnce(key: string, value: string): Promise<void> {
    await this.run(() => this.redis.set(this.key(key), value, 'NX'));
  }

  async putOnce(collection: OnceCollection, id: string, value: unknown, expiresAt: number): Promise<void> {
    if (expiresAt * 1000 <= Date.now()) return;
    await this.run(() =>
      this.redis.set(this.key(`${collection}:${id}`), JSON.stringify(value), 'EXAT', expiresAt, 'NX'),
    );
  }

  async getOnce(collection: OnceCollection, id: string): Promise<unknown> {
    const raw = await this.run(() => this.redis.get(this.key(`${collection}:${id}`)));
    return raw === null ? null : (JSON.parse(raw) as unknown);
  }

  async getRecord(collection: RecordCollection, id: string): Promise<unknown> {
    return parseStored(await this.run(() => this.redis.get(this.key(`${collection}:${id}`))), (record) => record);
  }

  async listRecords(collection: RecordCollection, index: string): Promise<unknown[]> {
    const ids = await this.run(() => this.redis.smembers(this.key(index)));
    if (ids.length === 0) return [];
    const values = await this.run(() => this.redis.mget(ids.map((id) => this.key(`${collection}:${id}`))));
    return values.map((raw) => parseStored(raw, (record) => record)).filter((record) => record !== null);
  }

  async getClient(clientId: string): Promise<ClientRecord | null> {
    return this.clients.parse(await this.run(() => this.redis.get(this.clientKey(clientId))));
  }

  async listClients(): Promise<ClientRecord[]> {
    const ids = await this.run(() => this.redis.smembers(this.key('clients')));
    if (ids.length === 0) return [];
    const values = await this.run(() => this.redis.mget(ids.map((id) => this.clientKey(id))));
    return values.map((raw) => this.clients.parse(raw)).filter((record): record is ClientRecord => record !== null);
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    const record = await this.getRecord('user', userId);
    return record === null ? null : parseUser(record);
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const userId = await this.run(() => this.redis.get(this.emailKey(email)));
    return userId === null ? null : this.getUser(userId);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.listRecords('user', 'users')).map(parseUser);
  }

  async getConsent(userId: string, clientId: string): Promise<readonly string[] | null> {
    const record = await this.getRecord('consent', `${userId}:${clientId}`);
    return Array.isArray(record) ? record.filter((scope): scope is string => typeof scope === 'string') : null;
  }

  async isWebOrigin(origin: string): Promise<boolean> {
    return (await this.run(() => this.redis.scard(this.key(`origin:${origin}`)))) > 0;
  }

  async read(query: StateQuery): Promise<StateSnapshot> {
    const ids = [...new Set(query.clientIds)];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.get(this.clientKey(id));
    const marks = [
      ...(query.jti === undefined ? [] : [this.revokedKey(query.jti)]),
      ...(query.grantId === undefined ? [] : [this.grantRevokedKey(query.grantId)]),
    ];
    if (marks.length > 0) pipeline.exists(...marks);
    if (query.userId !== undefined) pipeline.get(this.userKey(query.userId));
    if (query.consent !== undefined) pipeline.get(this.consentCutoffKey(query.consent.userId, query.consent.clientId));
    const results = await this.run(() => pipeline.exec());
    if (!results || results.some(([error]) => error))
      throw new ProjectionStoreUnavailableError('redis pipeline failed');
    let next = ids.length;
    const take = () => results[next++]?.[1];
    const clients = new Map(ids.map((id, index) => [id, this.clients.parse(results[index]?.[1] as string | null)]));
    const revoked = marks.length > 0 && Number(take()) > 0;
    return {
      clients,
      revoked,
      ...(query.userId === undefined ? {} : { user: parseStored(take() as string | null, parseUser) }),
      ...(query.consent === undefined ? {} : { grantsRevokedBefore: Number(take() ?? 0) }),
    };
  }

  async markConsentWithdrawn(userId: string, clientId: string, revokesGrantsBefore: number): Promise<void> {
    await this.run(() =>
      this.call('grantlineRaiseTo', [this.consentCutoffKey(userId, clientId), String(revokesGrantsBefore)]),
    );
  }

  async markRevoked(jti: string, expiresAt: number): Promise<void> {
    await this.setMarker(this.revokedKey(jti), expiresAt);
  }

  async markGrantRevoked(grantId: string, expiresAt: number): Promise<void> {
    await this.setMarker(this.grantRevokedKey(grantId), expiresAt);
  }

  private clientKey(clientId: string): string {
    return this.key(`client:${clientId}`);
  }

  private revokedKey(jti: string): string {
    return this.key(`revoked:${jti}`);
  }

  private grantRevokedKey(grantId: string): string {
    return this.key(`grant-revoked:${grantId}`);
  }

  private userKey(userId: string): string {
    return this.key(`user:${userId}`);
  }

  private emailKey(email: string): string {
    return this.key(`user-email:${normaliseEmail(email)}`);
  }

  private consentCutoffKey(userId: string, clientId: string): string {
    return this.key(`consent-cutoff:${userId}:${clientId}`);
  }

  private async setMarker(key: string, expiresAt: number): Promise<void> {
    if (expiresAt * 1000 <= Date.now()) return;
    await this.run(() => this.redis.set(key, '1', 'EXAT', expiresAt));
  }

  private call(command: string, args: string[]): Promise<unknown> {
    return callDefined(this.redis, command, args);
  }

  private run<T>(operation: () => Promise<T>): Promise<T> {
    return failClosed(operation);
  }
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
