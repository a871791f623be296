import { Redis } from 'ioredis';
import { tokenRevoked } from '@grantline/lib-testing';
import { RedisProjectionControl, RedisProjectionStore } from '@grantline/lib-projections';
import { startPrivateRedis, type PrivateRedis } from '@grantline/lib-infra';

// A Redis restarted from an older snapshot is another server process (another run_id): readers
// refuse it until the projector has checked it against the log and recorded it (decision 0018).

const keyPrefix = 'tincarnation:';
let redis: PrivateRedis;
let reader: RedisProjectionStore;
let control: RedisProjectionControl;

beforeAll(async () => {
  redis = await startPrivateRedis();
  reader = new RedisProjectionStore({ url: redis.url, keyPrefix });
  control = new RedisProjectionControl({ url: redis.url, keyPrefix });
  await Promise.all([reader.waitUntilReady(5_000), control.waitUntilReady(5_000)]);
});
afterAll(async () => {
  await Promise.all([reader?.close(), control?.close()]);
  await redis?.close();
});

/** Reads until the reader has reconnected: what it says then, a refusal's message or the revocation. */
async function firstAnswerAfterReconnect(jti: string): Promise<string | boolean> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return (await reader.read({ clientIds: [], jti })).revoked;
    } catch (error) {
      const { name, message } = error as Error;
      if (name === 'ProjectionUnavailableError') return message;
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

it('refuses reads from a Redis restarted from a snapshot until the projector records the new process', async () => {
  const generation = await control.begin({ activate: true });
  await control.setState(generation, 'ready');
  const before = await control.incarnation();
  expect(await control.validated(generation, before)).toBe(true);
  expect((await reader.read({ clientIds: [], jti: 'b' })).revoked).toBe(false);

  const raw = new Redis(redis.url);
  await raw.save();
  raw.disconnect();
  const at = { stream: 'tokens', partition: 0, offset: '0' };
  const revocation = tokenRevoked('b', Math.floor(Date.now() / 1000) + 600);
  await control.applyTo(generation, [{ event: revocation, position: at }]);
  expect((await reader.read({ clientIds: [], jti: 'b' })).revoked).toBe(true);

  await redis.restart();

  // The snapshot predates the revocation; the marker still names the process checked before.
  expect(await firstAnswerAfterReconnect('b')).toBe('the projection has not been checked since redis (re)started');
  await control.waitUntilReady(5_000);
  const after = await control.incarnation();
  expect(after).not.toBe(before);
  expect((await control.pointer())?.incarnation).toBe(before);

  // As the projector does once its check found the store behind: record the process, replay.
  expect(await control.validated(generation, after)).toBe(true);
  await expect(reader.read({ clientIds: [], jti: 'b' })).rejects.toMatchObject({
    message: 'the projection went back in time',
  });
  await control.applyTo(generation, [{ event: revocation, position: at }]);
  expect((await reader.read({ clientIds: [], jti: 'b' })).revoked).toBe(true);
});
