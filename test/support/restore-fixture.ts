import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '@grantline/lib-infra';
import type { StackOptions } from '@grantline/lib-stack';
import { startStackOnRedis, waitFor, type OutageStack } from './projection-outage';

/** A stack on a private Redis that a test restores from a snapshot it saved itself. */
export interface RestoreFixture {
  redis: PrivateRedis;
  stack: OutageStack;
  /** Where `saveSnapshot` keeps the snapshot, beside Redis's own `dump.rdb`. */
  snapshotFile: string;
}

/**
 * Starts a private Redis (saving only when asked) and a stack on it before the file's tests, and
 * stops both after them, with `options` for the stack (e.g. settings in `env`). Returns a getter
 * that throws when the start failed.
 */
export function restoreFixture(
  name: string,
  options: Partial<Omit<StackOptions, 'infra' | 'workDir'>> = {},
): () => RestoreFixture {
  const dataDir = mkdtempSync(join(tmpdir(), `grantline-${name}-redis-`));
  let redis: PrivateRedis | undefined;
  let stack: OutageStack | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis({ dir: dataDir, args: ['--save', ''] });
    stack = await startStackOnRedis(name, redis.url, options);
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

/**
 * Saves the fixture's snapshot, revokes with `revoke` (which expects its 200), and waits until the
 * projector has applied the revocation: the projection's watermark rose above the snapshot's.
 */
export async function snapshotThenRevoke(restore: RestoreFixture, revoke: () => Promise<void>): Promise<void> {
  const { redis, stack } = restore;
  const snapshotWatermark = await projectionWatermark(redis.url, stack.prefix);
  await saveSnapshot(restore);
  await revoke();
  await waitFor(
    'the projector applying the revocation',
    async () => ((await projectionWatermark(redis.url, stack.prefix)) > snapshotWatermark ? true : undefined),
    10_000,
  );
}
