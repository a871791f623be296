import { emptyProfile, stampEvent, type AnyEventDraft } from '@grantline/lib-events';
import { clientRegistered, clientSnapshot, FIXTURE_TIME } from '@grantline/lib-testing';
import type { ClientRecord } from './client-projection';
import { MemoryProjectionStore } from './memory-projection-store';
import type { OnceCollection, ProjectionStore, RecordCollection, StateQuery, StateSnapshot } from './port';
import { ProjectionCheck, type ProjectionDifference, type ProjectionKeyspace } from './projection-check';
import type { UserRecord } from './user-projection';

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
    const { checksums, ...result } = await check(await projected(events.length));
    expect(result).toEqual({
      events: 3,
      clients: 2,
      users: 0,
      revocations: 1,
      records: {},
      differences: [],
    });
    expect(checksums).toMatchObject({
      clients: { count: 2, matches: true },
      revocations: { count: 1, matches: true },
      users: { count: 0, matches: true },
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
    profile: emptyProfile(),
    updatedAt: null,
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
      { kind: 'user-email-missing', email: user.email },
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

describe('ProjectionCheck checksums', () => {
  const userId = '01JBZ8Y2C5V9Q3K4M6N7P8R9S1';
  const user = {
    userId,
    email: 'grace@example.test',
    name: 'Grace',
    passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    disabled: false,
    createdAt: now.toISOString(),
    profile: emptyProfile(),
    updatedAt: null,
  };
  const pat = {
    tokenId: 'p1',
    userId,
    name: 'CI',
    scopes: ['read'],
    createdAt: seconds(),
    expiresAt: seconds() + 600,
    revokedAt: null,
  };
  const expiresAt = seconds() + 600;
  const stamp = (draft: AnyEventDraft) => stampEvent(draft, { now: () => now });
  const orders = { uri: 'https://orders.example.test/mcp', name: 'Orders', scopes: ['orders:read'] };
  const resource = { ...orders, createdAt: now.toISOString() };
  const gone = { ...resource, uri: 'urn:example:gone' };
  /** A log that writes to every keyspace: u:a keeps its consent, u:b withdraws it. */
  const log = [
    clientRegistered(clientSnapshot({ clientId: 'a' })),
    clientRegistered(clientSnapshot({ clientId: 'b' })),
    stamp({
      type: 'ResourceRegistered',
      aggregate: { type: 'resource', id: `resource ${orders.uri}` },
      data: { resource: { ...resource, name: 'Old orders' } },
    }),
    stamp({
      type: 'ResourceUpdated',
      aggregate: { type: 'resource', id: `resource ${orders.uri}` },
      data: { resource },
    }),
    stamp({
      type: 'ResourceRegistered',
      aggregate: { type: 'resource', id: `resource ${gone.uri}` },
      data: { resource: gone },
    }),
    stamp({
      type: 'ResourceDeleted',
      aggregate: { type: 'resource', id: `resource ${gone.uri}` },
      data: { uri: gone.uri },
    }),
    stamp({ type: 'UserRegistered', aggregate: { type: 'user', id: userId }, data: { user } }),
    stamp({
      type: 'ConsentGranted',
      aggregate: { type: 'user', id: `${userId}:a` },
      data: { userId, clientId: 'a', scopes: ['read'], resources: [orders.uri] },
    }),
    stamp({
      type: 'ConsentGranted',
      aggregate: { type: 'user', id: `${userId}:b` },
      data: { userId, clientId: 'b', scopes: ['read'], resources: [orders.uri] },
    }),
    stamp({
      type: 'ConsentWithdrawn',
      aggregate: { type: 'user', id: `${userId}:b` },
      data: { userId, clientId: 'b', revokesGrantsBefore: seconds() },
    }),
    stamp({
      type: 'AccessTokenRevoked',
      aggregate: { type: 'token', id: 't' },
      data: { jti: 't', clientId: 'a', expiresAt, revokedBy: null },
    }),
    stamp({
      type: 'GrantRevoked',
      aggregate: { type: 'grant', id: 'g1' },
      data: { grantId: 'g1', clientId: 'a', reason: 'refresh_token_reuse', expiresAt, revokedBy: null },
    }),
    stamp({
      type: 'PersonalAccessTokenCreated',
      aggregate: { type: 'personal-access-token', id: 'p1' },
      data: { token: pat, by: { kind: 'admin' } },
    }),
    stamp({
      type: 'DeviceAuthorizationRequested',
      aggregate: { type: 'device', id: 'd1' },
      data: { deviceId: 'd1', userCodeHash: 'h1', clientId: 'a', scope: 'read', interval: 5, expiresAt },
    }),
    stamp({
      type: 'DeviceAuthorizationApproved',
      aggregate: { type: 'device', id: 'd1' },
      data: { deviceId: 'd1', clientId: 'a', userId, expiresAt, scope: 'read', authTime: seconds() },
    }),
    stamp({
      type: 'DeviceCodeRedeemed',
      aggregate: { type: 'device', id: 'd1' },
      data: { deviceId: 'd1', grantId: 'g2', clientId: 'a', userId, expiresAt },
    }),
  ];
  const positioned = log.map((event, offset) => ({ event, position: { partition: 0, offset: String(offset) } }));
  const later = { partition: 0, offset: String(log.length) };

  const recordKeyspaces: Record<RecordCollection, ProjectionKeyspace | null> = {
    user: null,
    consent: 'consents',
    'consent-resources': 'consent-resources',
    'personal-access-token': 'personal-access-tokens',
    resource: 'resources',
  };

  /** The live store with one entry of one keyspace hidden from its port, as if its key were lost. */
  class LossyStore extends MemoryProjectionStore {
    constructor(private readonly lost?: { keyspace: ProjectionKeyspace; id: string }) {
      super({ nowSeconds: seconds });
    }

    override async listClients(): Promise<ClientRecord[]> {
      return (await super.listClients()).filter((client) => !this.loses('clients', client.clientId));
    }

    override async listUsers(): Promise<UserRecord[]> {
      return (await super.listUsers()).filter((record) => !this.loses('users', record.userId));
    }

    override async findUserByEmail(email: string): Promise<UserRecord | null> {
      return this.loses('user-emails', email) ? null : super.findUserByEmail(email);
    }

    override async getRecord(collection: RecordCollection, id: string): Promise<unknown> {
      const keyspace = recordKeyspaces[collection];
      return keyspace !== null && this.loses(keyspace, id) ? null : super.getRecord(collection, id);
    }

    override async getOnce(collection: OnceCollection, id: string): Promise<unknown> {
      return this.loses(collection, id) ? null : super.getOnce(collection, id);
    }

    override async read(query: StateQuery): Promise<StateSnapshot> {
      const snapshot = await super.read(query);
      const consent = query.consent && `${query.consent.userId}:${query.consent.clientId}`;
      return {
        ...snapshot,
        revoked:
          snapshot.revoked &&
          !(query.jti !== undefined && this.loses('revocations', query.jti)) &&
          !(query.grantId !== undefined && this.loses('grant-revocations', query.grantId)),
        ...(consent !== undefined && this.loses('consent-cutoffs', consent) ? { grantsRevokedBefore: 0 } : {}),
      };
    }

    private loses(keyspace: ProjectionKeyspace, id: string): boolean {
      return this.lost?.keyspace === keyspace && this.lost.id === id;
    }
  }

  /** A live store fed the log in order, after `before` and followed by `after`. */
  async function liveStore(
    options: {
      lost?: { keyspace: ProjectionKeyspace; id: string };
      before?: (store: MemoryProjectionStore) => Promise<void>;
      after?: (store: MemoryProjectionStore) => Promise<void>;
    } = {},
  ): Promise<MemoryProjectionStore> {
    const store = new LossyStore(options.lost);
    await options.before?.(store);
    for (const { event, position } of positioned) await store.apply(event, position);
    await options.after?.(store);
    return store;
  }

  async function checked(actual: ProjectionStore) {
    const checker = new ProjectionCheck(seconds);
    for (const { event, position } of positioned) await checker.apply(event, position);
    return checker.compare(actual);
  }

  const keyspaces: ProjectionKeyspace[] = [
    'clients',
    'users',
    'user-emails',
    'consents',
    'consent-resources',
    'revocations',
    'grant-revocations',
    'personal-access-tokens',
    'resources',
    'device',
    'device-user-code',
    'device-decision',
    'device-redeemed',
    'session',
    'session-ended',
    'user-sessions',
    'session-grants',
    'consent-cutoffs',
  ];

  /** Every checksum matches but the one of `keyspace`, whose expectation is the log's all the same. */
  async function expectOnlyMismatch(actual: ProjectionStore, keyspace: ProjectionKeyspace) {
    const reference = (await checked(await liveStore())).checksums;
    const result = await checked(actual);
    for (const other of keyspaces) {
      expect(result.checksums[other].expected).toBe(reference[other].expected);
      expect({ [other]: result.checksums[other].matches }).toEqual({ [other]: other !== keyspace });
    }
    expect(result.checksums[keyspace].actual).not.toBe(reference[keyspace].actual);
    return result;
  }

  it('checksums every keyspace, and matches a store that applied the log', async () => {
    const result = await checked(await liveStore());
    expect(Object.keys(result.checksums).sort()).toEqual([...keyspaces].sort());
    expect(result.differences).toEqual([]);
    const counts = Object.fromEntries(keyspaces.map((keyspace) => [keyspace, result.checksums[keyspace].count]));
    expect(counts).toEqual({
      clients: 2,
      users: 1,
      'user-emails': 1,
      consents: 1,
      'consent-resources': 1,
      revocations: 1,
      'grant-revocations': 1,
      'personal-access-tokens': 1,
      resources: 1,
      device: 1,
      'device-user-code': 1,
      'device-decision': 1,
      'device-redeemed': 1,
      // Sessions are checked in session-projection.unit.test.ts.
      session: 0,
      'session-ended': 0,
      'user-sessions': 0,
      'session-grants': 0,
      'consent-cutoffs': 1,
    });
    for (const keyspace of keyspaces) {
      expect(result.checksums[keyspace]).toMatchObject({ matches: true, actual: result.checksums[keyspace].expected });
    }
  });

  it('matches a store that applied the same log in another order', async () => {
    const reordered = new MemoryProjectionStore({ nowSeconds: seconds });
    for (const { event, position } of [...positioned].reverse()) await reordered.apply(event, position);
    const result = await checked(reordered);
    expect(result.differences).toEqual([]);
    expect(result.checksums).toEqual((await checked(await liveStore())).checksums);
  });

  it.each<[ProjectionKeyspace, string, ProjectionDifference]>([
    ['clients', 'b', { kind: 'client-missing', clientId: 'b' }],
    ['users', userId, { kind: 'user-missing', userId }],
    ['user-emails', user.email, { kind: 'user-email-missing', email: user.email }],
    ['consents', `${userId}:a`, { kind: 'record-missing', collection: 'consent', id: `${userId}:a` }],
    ['revocations', 't', { kind: 'revocation-missing', jti: 't' }],
    ['grant-revocations', 'g1', { kind: 'grant-revocation-missing', grantId: 'g1' }],
    ['personal-access-tokens', 'p1', { kind: 'record-missing', collection: 'personal-access-token', id: 'p1' }],
    ['resources', orders.uri, { kind: 'record-missing', collection: 'resource', id: orders.uri }],
    [
      'consent-resources',
      `${userId}:a`,
      { kind: 'record-missing', collection: 'consent-resources', id: `${userId}:a` },
    ],
    ['device', 'd1', { kind: 'record-missing', collection: 'device', id: 'd1' }],
    ['device-user-code', 'h1', { kind: 'record-missing', collection: 'device-user-code', id: 'h1' }],
    ['device-decision', 'd1', { kind: 'record-missing', collection: 'device-decision', id: 'd1' }],
    ['device-redeemed', 'd1', { kind: 'record-missing', collection: 'device-redeemed', id: 'd1' }],
    ['consent-cutoffs', `${userId}:b`, { kind: 'consent-cutoff-missing', userId, clientId: 'b' }],
  ])('tells when the live %s lack an entry', async (keyspace, id, difference) => {
    const result = await expectOnlyMismatch(await liveStore({ lost: { keyspace, id } }), keyspace);
    expect(result.differences).toEqual([difference]);
  });

  const putFirst = (collection: OnceCollection, id: string, value: unknown) => ({
    before: (store: MemoryProjectionStore) => store.putOnce(collection, id, value, expiresAt),
  });
  it.each<[ProjectionKeyspace, Parameters<typeof liveStore>[0], ProjectionDifference]>([
    [
      'clients',
      { after: (store) => store.applyClient('a', later, clientSnapshot({ clientId: 'a', name: 'Other' })) },
      { kind: 'client-differs', clientId: 'a' },
    ],
    [
      'users',
      { after: (store) => store.applyRecord('user', userId, later, { ...user, name: 'Eve' }, 'users') },
      { kind: 'user-differs', userId },
    ],
    [
      'consents',
      { after: (store) => store.applyRecord('consent', `${userId}:a`, later, ['write'], `consents:${userId}`) },
      { kind: 'record-differs', collection: 'consent', id: `${userId}:a` },
    ],
    [
      'consents',
      { after: (store) => store.applyRecord('consent', `${userId}:b`, later, ['read'], `consents:${userId}`) },
      { kind: 'record-unexpected', collection: 'consent', id: `${userId}:b` },
    ],
    [
      'personal-access-tokens',
      { after: (store) => store.applyRecord('personal-access-token', 'p1', later, { ...pat, name: 'Other' }) },
      { kind: 'record-differs', collection: 'personal-access-token', id: 'p1' },
    ],
    [
      'consent-resources',
      { after: (store) => store.applyRecord('consent-resources', `${userId}:b`, later, [orders.uri]) },
      { kind: 'record-unexpected', collection: 'consent-resources', id: `${userId}:b` },
    ],
    [
      'resources',
      { after: (store) => store.applyRecord('resource', orders.uri, later, { ...resource, scopes: [] }, 'resources') },
      { kind: 'record-differs', collection: 'resource', id: orders.uri },
    ],
    [
      'resources',
      { after: (store) => store.applyRecord('resource', gone.uri, later, gone, 'resources') },
      { kind: 'record-unexpected', collection: 'resource', id: gone.uri },
    ],
    [
      'device',
      putFirst('device', 'd1', { deviceId: 'd1', clientId: 'a', scope: 'write', interval: 5, expiresAt }),
      { kind: 'record-differs', collection: 'device', id: 'd1' },
    ],
    [
      'device-user-code',
      putFirst('device-user-code', 'h1', 'd2'),
      { kind: 'record-differs', collection: 'device-user-code', id: 'h1' },
    ],
    [
      'device-decision',
      putFirst('device-decision', 'd1', { decision: 'denied', userId }),
      { kind: 'record-differs', collection: 'device-decision', id: 'd1' },
    ],
    [
      'device-redeemed',
      putFirst('device-redeemed', 'd1', { grantId: 'g3' }),
      { kind: 'record-differs', collection: 'device-redeemed', id: 'd1' },
    ],
    [
      'consent-cutoffs',
      { after: (store) => store.markConsentWithdrawn(userId, 'b', seconds() + 1) },
      { kind: 'consent-cutoff-differs', userId, clientId: 'b' },
    ],
  ])('tells when a live entry of %s differs', async (keyspace, damage, difference) => {
    const result = await expectOnlyMismatch(await liveStore(damage), keyspace);
    expect(result.differences).toEqual([difference]);
  });
});
