import { RedisGuardStore } from '@grantline/lib-projections';
import { infraFromEnv } from '../stack/stack-fixture';

/**
 * The device poll clock in Redis (RFC 8628 §3.5): one Lua script, timed by the Redis server,
 * shared by every device-polling replica. Each replica is a connection of its own here.
 */
const REPLICAS = 10;
const prefix = `tpoll${Date.now().toString(36)}:`;
const replicas = Array.from(
  { length: REPLICAS },
  () => new RedisGuardStore({ url: infraFromEnv().redisUrl, keyPrefix: prefix }),
);
const [guards] = replicas as [RedisGuardStore, ...RedisGuardStore[]];
let devices = 0;
const newDevice = () => `device-${(devices += 1)}`;
const inSeconds = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(() => Promise.all(replicas.map((replica) => replica.waitUntilReady(5_000))));
afterAll(() => Promise.all(replicas.map((replica) => replica.close())));

it('takes the first poll at once with the interval it was given', async () => {
  expect(await guards.recordDevicePoll(newDevice(), 5, inSeconds(600))).toEqual({ tooSoon: false, intervalSeconds: 5 });
});

it('answers an early poll as too soon and adds 5 s for it and every later poll', async () => {
  const device = newDevice();
  await guards.recordDevicePoll(device, 1, inSeconds(600));
  expect(await guards.recordDevicePoll(device, 1, inSeconds(600))).toEqual({ tooSoon: true, intervalSeconds: 6 });
  expect(await guards.recordDevicePoll(device, 1, inSeconds(600))).toEqual({ tooSoon: true, intervalSeconds: 11 });
});

it('takes a poll that waited the interval, timed by the previous poll', async () => {
  const device = newDevice();
  await guards.recordDevicePoll(device, 1, inSeconds(600));
  await sleep(1_100);
  expect(await guards.recordDevicePoll(device, 1, inSeconds(600))).toEqual({ tooSoon: false, intervalSeconds: 1 });
  await sleep(500);
  expect(await guards.recordDevicePoll(device, 1, inSeconds(600))).toEqual({ tooSoon: true, intervalSeconds: 6 });
});

it('takes a poll within the tolerance of the interval (a tenth of it, at most 500 ms) and refuses one past it', async () => {
  const device = newDevice();
  await guards.recordDevicePoll(device, 1, inSeconds(600));
  await sleep(950);
  expect(await guards.recordDevicePoll(device, 1, inSeconds(600))).toEqual({ tooSoon: false, intervalSeconds: 1 });
  await sleep(750);
  expect(await guards.recordDevicePoll(device, 1, inSeconds(600))).toEqual({ tooSoon: true, intervalSeconds: 6 });
});

it('answers exactly one of 10 simultaneous polls on 10 connections as on time', async () => {
  const device = newDevice();
  const expiresAt = inSeconds(600);
  const polls = await Promise.all(replicas.map((replica) => replica.recordDevicePoll(device, 5, expiresAt)));
  expect(polls.filter((poll) => !poll.tooSoon)).toHaveLength(1);
  // Serialised by Redis: the on-time poll saw 5 s, each early one 5 s more than the one before.
  expect(polls.map((poll) => poll.intervalSeconds).sort((a, b) => a - b)).toEqual(
    Array.from({ length: REPLICAS }, (_, index) => 5 + index * 5),
  );
});

it('answers exactly one of 10 simultaneous polls as on time once the interval has passed', async () => {
  const device = newDevice();
  const expiresAt = inSeconds(600);
  await guards.recordDevicePoll(device, 1, expiresAt);
  await sleep(1_100);
  const polls = await Promise.all(replicas.map((replica) => replica.recordDevicePoll(device, 1, expiresAt)));
  expect(polls.filter((poll) => !poll.tooSoon)).toHaveLength(1);
});

it('times every device on its own', async () => {
  const first = newDevice();
  const second = newDevice();
  await guards.recordDevicePoll(first, 5, inSeconds(600));
  await guards.recordDevicePoll(first, 5, inSeconds(600));
  expect(await guards.recordDevicePoll(second, 5, inSeconds(600))).toEqual({ tooSoon: false, intervalSeconds: 5 });
});

it('forgets a device once its code has expired', async () => {
  const device = newDevice();
  const expiresAt = inSeconds(2);
  await guards.recordDevicePoll(device, 5, expiresAt);
  expect((await guards.recordDevicePoll(device, 5, expiresAt)).tooSoon).toBe(true);
  await sleep(expiresAt * 1000 + 200 - Date.now());
  expect(await guards.recordDevicePoll(device, 5, inSeconds(600))).toEqual({ tooSoon: false, intervalSeconds: 5 });
});

it('fails closed with ProjectionStoreUnavailableError when Redis is unreachable', async () => {
  const dead = new RedisGuardStore({ url: 'redis://127.0.0.1:1', keyPrefix: prefix });
  try {
    await expect(dead.recordDevicePoll(newDevice(), 5, inSeconds(600))).rejects.toMatchObject({
      name: 'ProjectionStoreUnavailableError',
    });
  } finally {
    await dead.close();
  }
});
