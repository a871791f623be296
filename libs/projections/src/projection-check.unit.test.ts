import { stampEvent } from '@grantline/lib-events';
import { clientRegistered, clientSnapshot, FIXTURE_TIME } from '@grantline/lib-testing';
import { MemoryProjectionStore } from './memory-projection-store';
import { ProjectionCheck } from './projection-check';

const now = FIXTURE_TIME;
const seconds = () => Math.floor(now.getTime() / 1000);
const events = [
  clientRegistered(clientSnapshot({ clientId: 'a' })),
  clientRegistered(clientSnapshot({ clientId: 'b' })),
  stampEvent(
    {
      type: 'AccessTokenRevoked',
      aggregate: { type: 'token', id: 't' },
      data: { jti: 't', clientId: 'a', expiresAt: seconds() + 60, revokedBy: null },
    },
    { now: () => now },
  ),
];

async function projected(upTo: number): Promise<MemoryProjectionStore> {
  const store = new MemoryProjectionStore({ nowSeconds: seconds });
  for (const [offset, event] of events.slice(0, upTo).entries())
    await store.apply(event, { partition: 0, offset: String(offset) });
  return store;
}

async function check(actual: MemoryProjectionStore) {
  const checker = new ProjectionCheck(seconds);
  for (const [offset, event] of events.entries()) await checker.apply(event, { partition: 0, offset: String(offset) });
  return checker.compare(actual);
}

describe('ProjectionCheck', () => {
  it('finds no difference in a store that applied the whole log', async () => {
    expect(await check(await projected(events.length))).toEqual({
      events: 3,
      clients: 2,
      users: 0,
      revocations: 1,
      records: {},
      differences: [],
    });
  });

  it('reports what a store that fell behind is missing', async () => {
    const result = await check(await projected(1));
    expect(result.differences).toEqual([
      { kind: 'client-missing', clientId: 'b' },
      { kind: 'revocation-missing', jti: 't' },
    ]);
  });
});

describe('ProjectionCheck of users and grants', () => {
  const user = {
    userId: '01JBZ8Y2C5V9Q3K4M6N7P8R9S0',
    email: 'ada@example.test',
    name: 'Ada',
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    disabled: false,
    createdAt: now.toISOString(),
  };
  const userEvents = [
    stampEvent(
      { type: 'UserRegistered', aggregate: { type: 'user', id: user.userId }, data: { user } },
      { now: () => now },
    ),
    stampEvent(
      {
        type: 'GrantRevoked',
        aggregate: { type: 'grant', id: 'g1' },
        data: {
          grantId: 'g1',
          clientId: 'a',
          reason: 'refresh_token_reuse',
          expiresAt: seconds() + 60,
          revokedBy: null,
        },
      },
      { now: () => now },
    ),
  ];

  it('reports a user and a grant revocation that the live store lacks, and a user that differs', async () => {
    const checker = new ProjectionCheck(seconds);
    for (const [offset, event] of userEvents.entries()) {
      await checker.apply(event, { partition: 0, offset: String(offset) });
    }
    const empty = new MemoryProjectionStore({ nowSeconds: seconds });
    expect((await checker.compare(empty)).differences).toEqual([
      { kind: 'user-missing', userId: user.userId },
      { kind: 'grant-revocation-missing', grantId: 'g1' },
    ]);

    const damaged = new MemoryProjectionStore({ nowSeconds: seconds });
    const renamed = { ...user, name: 'Eve' };
    await damaged.apply(
      stampEvent(
        { type: 'UserRegistered', aggregate: { type: 'user', id: user.userId }, data: { user: renamed } },
        {
          now: () => now,
        },
      ),
      { partition: 0, offset: '0' },
    );
    await damaged.markGrantRevoked('g1', seconds() + 60);
    const result = await checker.compare(damaged);
    expect(result.users).toBe(1);
    expect(result.differences).toEqual([{ kind: 'user-differs', userId: user.userId }]);
  });

  it('covers device authorizations and personal access tokens', async () => {
    const pat = {
      tokenId: 'p1',
      userId: 'u1',
      name: 'CI',
      scopes: ['read'],
      createdAt: seconds(),
      expiresAt: seconds() + 600,
      revokedAt: null,
    };
    const log = [
      stampEvent(
        {
          type: 'DeviceAuthorizationRequested',
          aggregate: { type: 'device', id: 'd1' },
          data: {
            deviceId: 'd1',
            userCodeHash: 'h1',
            clientId: 'a',
            scope: 'read',
            interval: 5,
            expiresAt: seconds() + 600,
          },
        },
        { now: () => now },
      ),
      stampEvent(
        {
          type: 'PersonalAccessTokenCreated',
          aggregate: { type: 'personal-access-token', id: 'p1' },
          data: { token: pat, by: { kind: 'admin' } },
        },
        { now: () => now },
      ),
    ];
    const checker = new ProjectionCheck(seconds);
    const complete = new MemoryProjectionStore({ nowSeconds: seconds });
    for (const [offset, event] of log.entries()) {
      await checker.apply(event, { partition: 0, offset: String(offset) });
      await complete.apply(event, { partition: 0, offset: String(offset) });
    }
    expect(await checker.compare(complete)).toMatchObject({
      records: { 'personal-access-token': 1, device: 1, 'device-user-code': 1 },
      differences: [],
    });
    const empty = new MemoryProjectionStore({ nowSeconds: seconds });
    expect((await checker.compare(empty)).differences).toEqual([
      { kind: 'record-missing', collection: 'personal-access-token', id: 'p1' },
      { kind: 'record-missing', collection: 'device', id: 'd1' },
      { kind: 'record-missing', collection: 'device-user-code', id: 'h1' },
    ]);
  });
});
