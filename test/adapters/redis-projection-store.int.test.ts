import { stampEvent, type ClientSnapshot } from '@grantline/lib-events';
import { RedisGuardStore, RedisProjectionStore } from '@grantline/lib-projections';
import { infraFromEnv } from '../stack/stack-fixture';

const store = new RedisProjectionStore({
  url: infraFromEnv().redisUrl,
  keyPrefix: `tredis${Date.now().toString(36)}:`,
});
const now = new Date();
const snapshot = (name: string): ClientSnapshot => ({
  clientId: 'c1',
  name,
  secretHash: null,
  public: true,
  grantTypes: ['authorization_code'],
  scopes: ['read'],
  redirectUris: ['https://app.test/cb'],
  webOrigins: [],
  firstParty: false,
  requireDpop: false,
  dpopNonce: false,
  refreshTokens: { idleTtl: 3600, absoluteTtl: 7200, gracePeriod: 0 },
  createdAt: now.toISOString(),
});
const registered = stampEvent(
  { type: 'ClientRegistered', aggregate: { type: 'client', id: 'c1' }, data: { client: snapshot('first') } },
  { now: () => now },
);
const updated = stampEvent(
  { type: 'ClientUpdated', aggregate: { type: 'client', id: 'c1' }, data: { client: snapshot('second') } },
  { now: () => now },
);
const deleted = stampEvent(
  { type: 'ClientDeleted', aggregate: { type: 'client', id: 'c1' }, data: { clientId: 'c1' } },
  { now: () => now },
);

beforeAll(() => store.waitUntilReady(5_000));
afterAll(() => store.close());

it('applies client events in log order and ignores replays of older positions', async () => {
  await store.apply(registered, { partition: 1, offset: '10' });
  await store.apply(updated, { partition: 1, offset: '11' });
  await store.apply(registered, { partition: 1, offset: '10' });
  expect((await store.getClient('c1'))?.name).toBe('second');
  expect((await store.listClients()).map((client) => client.clientId)).toEqual(['c1']);

  await store.apply(deleted, { partition: 1, offset: '12' });
  await store.apply(updated, { partition: 1, offset: '11' });
  expect(await store.getClient('c1')).toBeNull();
  expect(await store.listClients()).toEqual([]);
});

it('marks revocations until the token would have expired', async () => {
  const expiresAt = Math.floor(Date.now() / 1000) + 2;
  await store.markRevoked('jti-1', expiresAt);
  await store.markRevoked('jti-1', expiresAt);
  expect((await store.read({ clientIds: [], jti: 'jti-1' })).revoked).toBe(true);
  expect(await store.read({ clientIds: ['nobody'], jti: 'jti-2' })).toEqual({
    revoked: false,
    clients: new Map([['nobody', null]]),
  });
});

it('keeps the newest consent-withdrawal cutoff, read in the same pipeline as the token state', async () => {
  const consent = { userId: 'u1', clientId: 'c1' };
  expect((await store.read({ clientIds: [], jti: 'nothing', consent })).grantsRevokedBefore).toBe(0);
  await store.markConsentWithdrawn('u1', 'c1', 2_000);
  await store.markConsentWithdrawn('u1', 'c1', 1_000);
  const state = await store.read({ clientIds: [], jti: 'nothing', userId: 'u1', consent });
  expect(state).toEqual({ clients: new Map(), revoked: false, user: null, grantsRevokedBefore: 2_000 });
});

it('counts a fixed window atomically', async () => {
  const guards = new RedisGuardStore({ url: infraFromEnv().redisUrl, keyPrefix: `tguard${Date.now().toString(36)}:` });
  try {
    await guards.waitUntilReady(5_000);
    const results = await Promise.all(Array.from({ length: 5 }, () => guards.consumeRateLimit('caller', 3, 60)));
    expect(results.filter(Boolean)).toHaveLength(3);
  } finally {
    await guards.close();
  }
});

it('fails closed with ProjectionStoreUnavailableError when Redis is unreachable', async () => {
  const dead = new RedisProjectionStore({ url: 'redis://127.0.0.1:1', keyPrefix: 'x:' });
  await expect(dead.read({ clientIds: ['b'], jti: 'a' })).rejects.toMatchObject({
    name: 'ProjectionStoreUnavailableError',
  });
  await dead.close();
});
