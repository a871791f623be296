import { Redis } from 'ioredis';
import type { GrantlineEvent } from '@grantline/lib-events';
import { clientSnapshotSchema } from '@grantline/lib-events';
import { evolveClient, type ClientRecord } from './client-projection';
import {
  ProjectionStoreUnavailableError,
  type AppliedPosition,
  type ProjectionStore,
  type StateQuery,
  type StateSnapshot,
} from './port';
import { applyClientScript, rateLimitScript } from './redis-scripts';

export interface RedisProjectionStoreOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs?: number;
}

type StoredClient = { partition: number; offset: string; record?: unknown; deleted?: boolean };

/**
 * Redis projections. Commands fail fast while Redis is unreachable (no offline queue), so
 * callers answer 503 instead of serving stale state.
 */
export class RedisProjectionStore implements ProjectionStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly clients = new ParsedClientCache(1_000);

  constructor(options: RedisProjectionStoreOptions) {
    this.prefix = options.keyPrefix;
    this.redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 1_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      lazyConnect: false,
    });
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('grantlineApplyClient', { numberOfKeys: 2, lua: applyClientScript });
    this.redis.defineCommand('grantlineRateLimit', { numberOfKeys: 1, lua: rateLimitScript });
  }

  /** Resolves once connected, or rejects after the timeout. */
  async waitUntilReady(timeoutMs: number): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ProjectionStoreUnavailableError('redis not ready')), timeoutMs);
      this.redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    if (event.type === 'AccessTokenRevoked') {
      await this.markRevoked(event.data.jti, event.data.expiresAt);
      return;
    }
    if (event.aggregate.type !== 'client') return;
    // Client events carry the whole client, so the reducer needs no prior state.
    const next = evolveClient(null, event);
    await this.run(() =>
      this.call('grantlineApplyClient', [
        this.clientKey(event.aggregate.id),
        this.key('clients'),
        event.aggregate.id,
        String(position.partition),
        position.offset,
        next ? JSON.stringify(next) : '',
      ]),
    );
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

  async read(query: StateQuery): Promise<StateSnapshot> {
    const ids = [...new Set(query.clientIds)];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.get(this.clientKey(id));
    if (query.jti !== undefined) pipeline.exists(this.revokedKey(query.jti));
    const results = await this.run(() => pipeline.exec());
    if (!results || results.some(([error]) => error))
      throw new ProjectionStoreUnavailableError('redis pipeline failed');
    const clients = new Map(ids.map((id, index) => [id, this.clients.parse(results[index]?.[1] as string | null)]));
    return { clients, revoked: query.jti !== undefined && results[ids.length]?.[1] === 1 };
  }

  async markRevoked(jti: string, expiresAt: number): Promise<void> {
    if (expiresAt * 1000 <= Date.now()) return;
    await this.run(() => this.redis.set(this.revokedKey(jti), '1', 'EXAT', expiresAt));
  }

  async consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<boolean> {
    const count = await this.run(() =>
      this.call('grantlineRateLimit', [this.key(`rate:${key}`), String(windowSeconds)]),
    );
    return Number(count) <= limit;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private key(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }

  private clientKey(clientId: string): string {
    return this.key(`client:${clientId}`);
  }

  private revokedKey(jti: string): string {
    return this.key(`revoked:${jti}`);
  }

  private call(command: string, args: string[]): Promise<unknown> {
    const redis = this.redis as unknown as Record<string, (...commandArgs: string[]) => Promise<unknown>>;
    const fn = redis[command];
    if (!fn) throw new Error(`redis command ${command} is not defined`);
    return fn.apply(this.redis, args);
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new ProjectionStoreUnavailableError('redis unavailable', { cause: error });
    }
  }
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
