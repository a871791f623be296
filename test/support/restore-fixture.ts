import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '@grantline/lib-infra';
import { startStackOnRedis, type OutageStack } from './projection-outage';

/** A stack on a private Redis that a test restores from a snapshot it saved itself. */
export interface RestoreFixture {
  redis: PrivateRedis;
  stack: OutageStack;
  /** Where `saveSnapshot` keeps the snapshot, beside Redis's own `dump.rdb`. */
  snapshotFile: string;
}

/**
 * Starts a private Redis (saving only when asked) and a stack on it before the file's tests, and
 * stops both after them. Returns a getter that throws when the start failed.
 */
export function restoreFixture(name: string): () => RestoreFixture {
  const dataDir = mkdtempSync(join(tmpdir(), `grantline-${name}-redis-`));
  let redis: PrivateRedis | undefined;
  let stack: OutageStack | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis({ dir: dataDir, args: ['--save', ''] });
    stack = await startStackOnRedis(name, redis.url);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    await redis?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!stack || !redis) throw new Error('the stack did not start');
    return { redis, stack, snapshotFile: join(dataDir, 'before-revocation.rdb') };
  };
}

/** The projection's watermark (`applied` in the pointer); -1 when there is no pointer. */
export async function projectionWatermark(url: string, prefix: string): Promise<number> {
  const connection = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return Number((await connection.hget(`${prefix}projection`, 'applied')) ?? -1);
  } finally {
    connection.disconnect();
  }
}

/** Has Redis write its data to `dump.rdb` now, and keeps a copy of it as the fixture's snapshot. */
export async function saveSnapshot({ redis, snapshotFile }: RestoreFixture): Promise<void> {
  const saver = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  try {
    if ((await saver.save()) !== 'OK') throw new Error('redis did not save');
  } finally {
    saver.disconnect();
  }
  copyFileSync(join(redis.dir, 'dump.rdb'), snapshotFile);
}
