import { Redis } from 'ioredis';
import { plainOpenIdClient, stampEvent, type ClientSnapshot, type EventOfType } from '@grantline/lib-events';
import {
  codeRedeemed,
  consentWithdrawn,
  grantRevoked,
  refreshRotated,
  tokenRevoked,
  userEvent,
  userSnapshot,
} from '@grantline/lib-testing';
import {
  listResources,
  MAX_SESSION_SECONDS,
  readResource,
  RedisGuardStore,
  RedisProjectionControl,
  RedisProjectionStore,
} from '@grantline/lib-projections';
import { infraFromEnv } from '../stack/stack-fixture';

const keys = { url: infraFromEnv().redisUrl, keyPrefix: `tredis${Date.now().toString(36)}:` };
const store = new RedisProjectionStore(keys);
const control = new RedisProjectionControl(keys);
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
  requirePkce: true,
  requireDpop: false,
  dpopNonce: false,
  requirePushedAuthorizationRequests: false,
  refreshTokens: { idleTtl: 3600, absoluteTtl: 7200, gracePeriod: 0, rotate: true },
  resources: null,
  defaultResource: null,
  introspectsFor: null,
  jwks: null,
  jwksUri: null,
  registration: null,
  openid: plainOpenIdClient(),
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

beforeAll(async () => {
  await Promise.all([store.waitUntilReady(5_000), control.waitUntilReady(5_000)]);
  const generation = await control.begin({ activate: true });
  await control.setState(generation, 'ready');
  await control.validated(generation, await control.incarnation());
});
afterAll(() => Promise.all([store.close(), control.close()]));

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

it('keeps resources by their URI beside a client with the same text, in log order', async () => {
  const uri = 'https://c2.example.test/mcp';
  const resource = (name: string) => ({ uri, name, scopes: ['orders:read'], createdAt: now.toISOString() });
  const aggregate = { type: 'resource' as const, id: `resource ${uri}` };
  const first = stampEvent(
    { type: 'ResourceRegistered', aggregate, data: { resource: resource('first') } },
    { now: () => now },
  );
  const second = stampEvent(
    { type: 'ResourceUpdated', aggregate, data: { resource: resource('second') } },
    { now: () => now },
  );
  const gone = stampEvent({ type: 'ResourceDeleted', aggregate, data: { uri } }, { now: () => now });
  const namesake = stampEvent(
    {
      type: 'ClientRegistered',
      aggregate: { type: 'client', id: uri },
      data: { client: { ...snapshot('namesake'), clientId: uri } },
    },
    { now: () => now },
  );
  await store.apply(namesake, { partition: 0, offset: '20' });
  await store.apply(first, { partition: 0, offset: '21' });
  await store.apply(second, { partition: 0, offset: '22' });
  await store.apply(first, { partition: 0, offset: '21' });
  expect(await readResource(store, uri)).toEqual(resource('second'));
  expect(await listResources(store)).toEqual([resource('second')]);
  expect((await store.getClient(uri))?.name).toBe('namesake');

  await store.apply(gone, { partition: 0, offset: '23' });
  expect(await readResource(store, uri)).toBeNull();
  expect(await listResources(store)).toEqual([]);
  expect((await store.getClient(uri))?.name).toBe('namesake');
});

it('writes revocations through until the token would have expired; the projector applying them changes nothing', async () => {
  const expiresAt = Math.floor(Date.now() / 1000) + 2;
  const revoked = tokenRevoked('jti-1', expiresAt);
  await store.writeThrough([revoked]);
  await store.writeThrough([revoked]);
  await store.apply(revoked, { stream: 'tokens', partition: 0, offset: '0' });
  expect((await store.read({ clientIds: [], jti: 'jti-1' })).revoked).toBe(true);
  await store.writeThrough([grantRevoked('g-1', expiresAt)]);
  expect((await store.read({ clientIds: [], grantId: 'g-1' })).revoked).toBe(true);
  expect(await store.read({ clientIds: ['nobody'], jti: 'jti-2' })).toEqual({
    revoked: false,
    clients: new Map([['nobody', null]]),
  });
});

it("links a session's grants: the first value of each stays, and the set's expiry only grows", async () => {
  const at = Math.floor(Date.now() / 1000);
  const code = (grantId: string, scope: string, codeExpiresAt: number) =>
    stampEvent(
      {
        type: 'AuthorizationCodeIssued',
        aggregate: { type: 'grant', id: grantId },
        data: {
          grantId,
          codeId: `code-${grantId}`,
          clientId: 'c1',
          userId: 'u1',
          scope,
          redirectUri: 'https://app.test/cb',
          expiresAt: codeExpiresAt,
          sessionId: 'c2Vzc2lvbi1yZWRpcy0wMDE',
        },
      },
      { now: () => now },
    );
  const [early, late, again] = [
    code('g1', 'openid', at + 60),
    code('g2', 'openid offline_access', at + 120),
    code('g1', 'openid', at + 30),
  ];
  await store.apply(late, { stream: 'tokens', partition: 2, offset: '0' });
  await store.apply(early, { stream: 'tokens', partition: 3, offset: '0' });
  await store.apply(again, { stream: 'tokens', partition: 3, offset: '1' });
  expect(Object.fromEntries(await store.getMembers('session-grants', 'c2Vzc2lvbi1yZWRpcy0wMDE'))).toEqual({
    g1: { clientId: 'c1', offline: false },
    g2: { clientId: 'c1', offline: true },
  });
  const redis = new Redis(infraFromEnv().redisUrl);
  try {
    const [key] = await redis.keys(`${keys.keyPrefix}*:session-grants:c2Vzc2lvbi1yZWRpcy0wMDE`);
    const expiresAt = at + 120 + MAX_SESSION_SECONDS;
    expect(Math.abs((await redis.expiretime(key ?? '')) - expiresAt)).toBeLessThanOrEqual(1);
  } finally {
    redis.disconnect();
  }
  expect((await store.getMembers('user-sessions', 'nobody')).size).toBe(0);
});

it('reads a token as revoked when a token it was exchanged from is, in the same read', async () => {
  const expiresAt = Math.floor(Date.now() / 1000) + 60;
  const query = { clientIds: ['nobody'], jti: 'exchanged', exchangedFrom: ['middle', 'root'] };
  expect((await store.read(query)).revoked).toBe(false);
  await store.writeThrough([tokenRevoked('root', expiresAt)]);
  expect(await store.read(query)).toEqual({ clients: new Map([['nobody', null]]), revoked: true });
  expect((await store.read({ clientIds: [], jti: 'exchanged' })).revoked).toBe(false);
});

it('keeps the newest consent-withdrawal cutoff, read in the same pipeline as the token state', async () => {
  const consent = { userId: 'u1', clientId: 'c1' };
  expect((await store.read({ clientIds: [], jti: 'nothing', consent })).grantsRevokedBefore).toBe(0);
  await store.apply(consentWithdrawn('u1', 'c1', 2_000), { stream: 'consents', partition: 0, offset: '0' });
  await store.apply(consentWithdrawn('u1', 'c1', 1_000), { stream: 'consents', partition: 0, offset: '1' });
  const state = await store.read({ clientIds: [], jti: 'nothing', userId: 'u1', consent });
  expect(state).toEqual({ clients: new Map(), revoked: false, user: null, grantsRevokedBefore: 2_000 });
});

it("reads a session's written-through end in the same MGET as the rest of the token state", async () => {
  const query = {
    clientIds: ['c1'],
    grantId: 'g-session',
    userId: 'u-session',
    sessionId: 'sid-read',
    consent: { userId: 'u-session', clientId: 'c1' },
  };
  expect(await store.read(query)).toMatchObject({ sessionEnded: false, revoked: false, grantsRevokedBefore: 0 });
  const ended = stampEvent(
    {
      type: 'SessionEnded',
      aggregate: { type: 'session', id: 'sid-read' },
      data: {
        sessionId: 'sid-read',
        userId: 'u-session',
        reason: 'logout',
        endedBy: null,
        expiresAt: Math.floor(Date.now() / 1000) + 60,
      },
    },
    { now: () => new Date() },
  ) as EventOfType<'SessionEnded'>;
  await store.writeThrough([ended]);
  expect(await store.read(query)).toMatchObject({
    sessionEnded: true,
    revoked: false,
    grantsRevokedBefore: 0,
    user: null,
  });
  expect(await store.read({ clientIds: [], sessionId: 'sid-other' })).toMatchObject({ sessionEnded: false });
  expect(await store.read({ clientIds: [] })).not.toHaveProperty('sessionEnded');
});

it("keeps a client's latest token issuance, whatever order the partitions deliver it in", async () => {
  const issued = (jti: string, issuedAt: number) =>
    stampEvent(
      {
        type: 'AccessTokenIssued',
        aggregate: { type: 'token', id: jti },
        data: {
          jti,
          clientId: 'used',
          subject: 'used',
          scope: 'read',
          grantType: 'client_credentials',
          issuedAt,
          expiresAt: issuedAt + 60,
        },
      },
      { now: () => now },
    );
  expect(await store.clientLastUsed('used')).toBeNull();
  await store.apply(issued('t2', 2_000), { stream: 'tokens', partition: 1, offset: '0' });
  await store.apply(issued('t1', 1_000), { stream: 'tokens', partition: 0, offset: '0' });
  await store.apply(issued('t2', 2_000), { stream: 'tokens', partition: 1, offset: '0' });
  expect(await store.clientLastUsed('used')).toBe(2_000);
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

it('says whether a claim is held, without claiming, until it is released or expires', async () => {
  const guards = new RedisGuardStore({ url: infraFromEnv().redisUrl, keyPrefix: `theld${Date.now().toString(36)}:` });
  try {
    await guards.waitUntilReady(5_000);
    const now = Math.floor(Date.now() / 1000);
    expect(await guards.isClaimed('lease')).toBe(false);
    expect(await guards.claimOnce('lease', now + 60)).toBe(true);
    expect(await guards.isClaimed('lease')).toBe(true);
    await guards.releaseClaim('lease');
    expect(await guards.isClaimed('lease')).toBe(false);
    expect(await guards.claimOnce('short', now + 1)).toBe(true);
    await new Promise((done) => setTimeout(done, 2_100));
    expect(await guards.isClaimed('short')).toBe(false);
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

describe('the projection pointer', () => {
  const own = { url: infraFromEnv().redisUrl, keyPrefix: `tpointer${Date.now().toString(36)}:` };
  const reader = new RedisProjectionStore(own);
  const projector = new RedisProjectionControl(own);
  const at = (offset: number) => ({ stream: 'clients', partition: 1, offset: String(offset) });
  beforeAll(() => Promise.all([reader.waitUntilReady(5_000), projector.waitUntilReady(5_000)]));
  afterAll(() => Promise.all([reader.close(), projector.close()]));

  it('fails closed while there is no projection, and while one is being rebuilt', async () => {
    await expect(reader.getClient('c1')).rejects.toMatchObject({ name: 'ProjectionUnavailableError' });
    expect(await reader.isServing()).toBe(false);
    const generation = await projector.begin({ activate: true });
    await projector.applyTo(generation, [{ event: registered, position: at(10) }]);
    await expect(reader.read({ clientIds: ['c1'], jti: 'j' })).rejects.toMatchObject({
      message: 'the projection is being rebuilt',
    });
    expect(await projector.setState(generation, 'ready')).toBe(true);
    await expect(reader.getClient('c1')).rejects.toMatchObject({
      message: 'the projection has not been checked since redis (re)started',
    });
    expect(await projector.validated(generation, await projector.incarnation())).toBe(true);
    expect((await reader.getClient('c1'))?.name).toBe('first');
    expect(await reader.isServing()).toBe(true);
    expect(await projector.positions(generation)).toEqual(new Map([['clients:1', '10']]));
  });

  it('keeps positions with the data and refuses a generation whose positions are gone', async () => {
    const generation = (await projector.pointer())!.generation;
    expect(await projector.applyTo(generation, [{ event: updated, position: at(11) }])).toBe(12);
    expect((await projector.pointer())?.applied).toBe(12);
    const raw = new RedisProjectionControl(own);
    await raw.waitUntilReady(5_000);
    await raw.drop(generation);
    await raw.close();
    await expect(projector.applyTo(generation, [{ event: deleted, position: at(12) }])).rejects.toMatchObject({
      name: 'GenerationLostError',
    });
    await expect(reader.getClient('c1')).resolves.toBeNull();
  });

  it('refuses to serve a store that went back in time, until it catches up', async () => {
    const generation = await projector.begin({ activate: true });
    await projector.applyTo(generation, [{ event: registered, position: at(5) }]);
    await projector.setState(generation, 'ready');
    const incarnation = (await projector.pointer())?.incarnation;
    await projector.applyTo(generation, [{ event: updated, position: at(6) }]);
    expect((await reader.getClient('c1'))?.name).toBe('second');
    // As a restore from an older snapshot would leave it: the watermark below one already read.
    // Readers check the pointer's mirror, `<generation>|<state>|<watermark>|<incarnation>`.
    const servingKey = `${own.keyPrefix}projection:serving`;
    const raw = new Redis(own.url);
    expect(await raw.get(servingKey)).toBe(`${generation}|ready|7|${incarnation}`);
    await raw.set(servingKey, `${generation}|ready|6|${incarnation}`);
    await expect(reader.getClient('c1')).rejects.toMatchObject({ message: 'the projection went back in time' });
    await raw.set(servingKey, `${generation}|ready|7|${incarnation}`);
    expect((await reader.getClient('c1'))?.name).toBe('second');
    raw.disconnect();
  });

  it('writes a revocation through to the active generation and to one being rebuilt beside it', async () => {
    const building = await projector.begin({ activate: false });
    const expiresAt = Math.floor(Date.now() / 1000) + 60;
    await reader.writeThrough([tokenRevoked('jti-through', expiresAt)]);
    await projector.applyTo(building, [{ event: registered, position: at(1) }]);
    const replaced = (await projector.pointer())!.generation;
    expect(await projector.switchTo(building)).toBe(replaced);
    expect(await projector.pointer()).toMatchObject({ generation: building, state: 'ready', previous: replaced });
    expect((await reader.read({ clientIds: ['c1'], jti: 'jti-through' })).revoked).toBe(true);
    expect(await projector.generations()).toEqual(expect.arrayContaining([building, replaced]));
    await projector.drop(replaced);
    expect(await projector.generations()).not.toContain(replaced);
  });
});

it('puts back the guards of redeemed codes and rotated refresh tokens when it applies their events', async () => {
  const own = { url: infraFromEnv().redisUrl, keyPrefix: `tguards${Date.now().toString(36)}:` };
  const projector = new RedisProjectionControl(own);
  const guards = new RedisGuardStore(own);
  try {
    await Promise.all([projector.waitUntilReady(5_000), guards.waitUntilReady(5_000)]);
    const generation = await projector.begin({ activate: true });
    const at = Math.floor(Date.now() / 1000);
    const redeemed = codeRedeemed('code-1');
    const rotated = refreshRotated('r1', 'r2');
    await projector.applyTo(generation, [
      { event: redeemed, position: { stream: 'tokens', partition: 0, offset: '0' } },
      { event: rotated, position: { stream: 'tokens', partition: 0, offset: '1' } },
    ]);
    expect(await guards.claimOnce('code:code-1', at + 60)).toBe(false);
    expect(await guards.claimRefreshToken('r1', at + 3600, 10)).toEqual({ kind: 'reused' });
    expect(await guards.claimRefreshToken('r2', at + 3600, 10)).toEqual({ kind: 'first' });
  } finally {
    await Promise.all([projector.close(), guards.close()]);
  }
});

it('signs in the account that holds an address now, whatever order its partitions were applied in', async () => {
  const event = (type: 'UserRegistered' | 'UserProfileChanged', userId: string, email: string) =>
    userEvent(type, userSnapshot({ userId, email }), now);
  const ada = '01JBZ8Y2C5V9Q3K4M6N7P8R9T0';
  const grace = '01JBZ8Y2C5V9Q3K4M6N7P8R9T1';
  // Grace takes a@ after Ada left it; the projector meets Grace's partition first.
  await store.apply(event('UserRegistered', grace, 'c@redis.example.test'), { partition: 3, offset: '0' });
  await store.apply(event('UserProfileChanged', grace, 'a@redis.example.test'), { partition: 3, offset: '1' });
  await store.apply(event('UserRegistered', ada, 'a@redis.example.test'), { partition: 2, offset: '0' });
  await store.apply(event('UserProfileChanged', ada, 'b@redis.example.test'), { partition: 2, offset: '1' });
  expect((await store.findUserByEmail('A@redis.example.test'))?.userId).toBe(grace);
  expect((await store.findUserByEmail('b@redis.example.test'))?.userId).toBe(ada);
  expect(await store.findUserByEmail('c@redis.example.test')).toBeNull();
  expect(await store.findUserByEmail('nobody@redis.example.test')).toBeNull();
});
