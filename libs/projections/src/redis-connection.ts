import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import { ProjectionStoreUnavailableError } from './port';
import { assertRedisKeepsKeys, type RedisEvictionCheckMode } from './redis-eviction-check';

export interface RedisConnectionOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs?: number;
  /** TLS options for a `rediss://` URL (a CA, for one); a `rediss://` URL without them uses the system CAs. */
  tls?: ConnectionOptions;
}

/**
 * A connection whose commands fail fast while Redis is unreachable (no offline queue), so
 * callers answer 503 instead of serving stale state or waiting. Commands issued in the same
 * tick (concurrent requests' reads) go out in one write (auto-pipelining); a caller that
 * awaits a command before issuing the next still sees them in order.
 */
export function connectRedis(options: RedisConnectionOptions): Redis {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
    lazyConnect: false,
    enableAutoPipelining: true,
    ...(options.tls ? { tls: options.tls } : {}),
  });
  redis.on('error', () => undefined);
  return redis;
}

/** Runs a Redis operation; any failure becomes ProjectionStoreUnavailableError (503 upstream). */
export async function failClosed<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw new ProjectionStoreUnavailableError('redis unavailable', { cause: error });
  }
}

/** Calls a command registered with `defineCommand`. */
export function callDefined(redis: Redis, command: string, args: string[]): Promise<unknown> {
  const commands = redis as unknown as Record<string, (...commandArgs: string[]) => Promise<unknown>>;
  const fn = commands[command];
  if (!fn) throw new Error(`redis command ${command} is not defined`);
  return fn.apply(redis, args);
}

/** Resolves once connected, or rejects after the timeout. */
export async function redisReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new ProjectionStoreUnavailableError('redis not ready')), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** What every Redis-backed store shares: its connection, key prefix, readiness and shutdown. */
export abstract class RedisStore {
  protected readonly redis: Redis;
  protected readonly prefix: string;

  constructor(options: RedisConnectionOptions) {
    this.prefix = options.keyPrefix;
    this.redis = connectRedis(options);
  }

  /** Resolves once connected, or rejects after the timeout. */
  waitUntilReady(timeoutMs: number): Promise<void> {
    return redisReady(this.redis, timeoutMs);
  }

  /**
   * Waits up to `timeoutMs` for the connection, then throws unless Redis is set never to evict
   * keys (see assertRedisKeepsKeys); `skip` checks nothing and waits for nothing.
   */
  async assertKeepsKeys(mode: RedisEvictionCheckMode, timeoutMs = 10_000): Promise<void> {
    if (mode === 'skip') return;
    await this.waitUntilReady(timeoutMs);
    await assertRedisKeepsKeys(this.redis, mode);
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

  protected key(suffix: string): string {
    return `${this.prefix}${suffix}`;
  }
}
