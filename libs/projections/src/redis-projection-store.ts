import { Redis } from 'ioredis';
import type { GrantlineEvent } from '@grantline/lib-events';
import { clientSnapshotSchema, userSnapshotSchema } from '@grantline/lib-events';
import { evolveClient, type ClientRecord } from './client-projection';
import { applyMarkers } from './marker-events';
import {
  ProjectionStoreUnavailableError,
  type AppliedPosition,
  type ProjectionStore,
  type RefreshClaim,
  type StateQuery,
  type StateSnapshot,
} from './port';
import {
  applyClientWithOriginsScript,
  applyRecordScript,
  claimRefreshScript,
  raiseToScript,
  rateLimitScript,
} from './redis-scripts';
import { consentOf, normaliseEmail, userOf, type UserRecord } from './user-projection';

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
    this.redis.defineCommand('grantlineApplyClient', { numberOfKeys: 2, lua: applyClientWithOriginsScript });
    this.redis.defineCommand('grantlineApplyRecord', { numberOfKeys: 2, lua: applyRecordScript });
    this.redis.defineCommand('grantlineClaimRefresh', { numberOfKeys: 1, lua: claimRefreshScript });
    this.redis.defineCommand('grantlineRaiseTo', { numberOfKeys: 1, lua: raiseToScript });
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
    if (await applyMarkers(this, event)) return;
    const at = [String(position.partition), position.offset];
    const id = event.aggregate.id;
    if (event.aggregate.type === 'client') {
      // Client events carry the whole client, so the reducer needs no prior state.
      const next = evolveClient(null, event);
      await this.run(() =>
        this.call('grantlineApplyClient', [
          this.clientKey(id),
          this.key('clients'),
          id,
          ...at,
          next ? JSON.stringify(next) : '',
          this.key('origin:'),
        ]),
      );
      return;
    }
    const user = userOf(event);
    if (user) {
      const record = JSON.stringify(user);
      await this.run(() => this.call('grantlineApplyRecord', [this.userKey(id), this.key('users'), id, ...at, record]));
      // The first account registered with an address keeps it; replays set the same value.
      await this.run(() => this.redis.set(this.emailKey(user.email), user.userId, 'NX'));
      return;
    }
    const consent = consentOf(event);
    if (consent) {
      const [userId = ''] = consent.key.split(':');
      const record = consent.scopes ? JSON.stringify(consent.scopes) : '';
      await this.run(() =>
        this.call('grantlineApplyRecord', [
          this.consentKey(consent.key),
          this.key(`consents:${userId}`),
          consent.key,
          ...at,
          record,
        ]),
      );
    }
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
    return parseStored(await this.run(() => this.redis.get(this.userKey(userId))), parseUser);
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const userId = await this.run(() => this.redis.get(this.emailKey(email)));
    return userId === null ? null : this.getUser(userId);
  }

  async listUsers(): Promise<UserRecord[]> {
    const ids = await this.run(() => this.redis.smembers(this.key('users')));
    if (ids.length === 0) return [];
    const values = await this.run(() => this.redis.mget(ids.map((id) => this.userKey(id))));
    return values.map((raw) => parseStored(raw, parseUser)).filter((user): user is UserRecord => user !== null);
  }

  async getConsent(userId: string, clientId: string): Promise<readonly string[] | null> {
    const raw = await this.run(() => this.redis.get(this.consentKey(`${userId}:${clientId}`)));
    return parseStored(raw, (record) => (record as unknown[]).filter((scope) => typeof scope === 'string'));
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

  async claimOnce(key: string, expiresAt: number): Promise<boolean> {
    const exat = Math.max(expiresAt, Math.floor(Date.now() / 1000) + 1);
    return (await this.run(() => this.redis.set(this.key(`claim:${key}`), '1', 'EXAT', exat, 'NX'))) === 'OK';
  }

  async releaseClaim(key: string): Promise<void> {
    await this.run(() => this.redis.del(this.key(`claim:${key}`), this.key(`refresh:${key}`)));
  }

  async claimRefreshToken(refreshId: string, expiresAt: number, graceSeconds: number): Promise<RefreshClaim> {
    const outcome = await this.run(() =>
      this.call('grantlineClaimRefresh', [
        this.key(`refresh:${refreshId}`),
        String(expiresAt),
        String(graceSeconds * 1000),
      ]),
    );
    const kinds = ['first', 'grace', 'reused'] as const;
    return { kind: kinds[Number(outcome)] ?? 'reused' };
  }

  async isRateLimited(key: string, limit: number): Promise<boolean> {
    return Number((await this.run(() => this.redis.get(this.key(`rate:${key}`)))) ?? 0) >= limit;
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

  private consentKey(consentId: string): string {
    return this.key(`consent:${consentId}`);
  }

  private async setMarker(key: string, expiresAt: number): Promise<void> {
    if (expiresAt * 1000 <= Date.now()) return;
    await this.run(() => this.redis.set(key, '1', 'EXAT', expiresAt));
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
