import type { GrantlineEvent } from '@grantline/lib-events';
import { MemoryProjectionStore } from './memory-projection-store';
import type { AppliedPosition, MemberCollection, OnceCollection, ProjectionStore, RecordCollection } from './port';
import { canonicalJson, compareKeyspace, type KeyspaceChecksum, type KeyspaceContents } from './projection-checksum';
import { projectEvent } from './projectors';
import type { ProjectionWriter } from './projection-writer';

export type ProjectionDifference =
  | { kind: 'client-missing' | 'client-unexpected' | 'client-differs'; clientId: string }
  | { kind: 'user-missing' | 'user-unexpected' | 'user-differs'; userId: string }
  /** The account an address signs in differs from the log's (or the address finds none). */
  | { kind: 'user-email-missing' | 'user-email-unexpected' | 'user-email-differs'; email: string }
  | { kind: 'revocation-missing'; jti: string }
  | { kind: 'grant-revocation-missing'; grantId: string }
  | { kind: 'consent-cutoff-missing' | 'consent-cutoff-differs'; userId: string; clientId: string }
  /** A record of another collection (consents, personal access tokens, device authorizations). */
  | {
      kind: 'record-missing' | 'record-differs' | 'record-unexpected';
      collection: RecordCollection | OnceCollection | MemberCollection;
      id: string;
    };

/** The keyspaces `ProjectionCheck` checksums; each device collection is one of its own. */
export type ProjectionKeyspace =
  | 'clients'
  | 'users'
  | 'user-emails'
  | 'consents'
  | 'consent-resources'
  | 'revocations'
  | 'grant-revocations'
  | 'personal-access-tokens'
  | 'resources'
  | OnceCollection
  | MemberCollection
  | 'consent-cutoffs';

export interface ProjectionCheckResult {
  events: number;
  clients: number;
  users: number;
  /** Token revocation markers the log implies are still live. */
  revocations: number;
  /** Records of the other collections compared, by collection. */
  records: Partial<Record<RecordCollection | OnceCollection, number>>;
  differences: ProjectionDifference[];
  /** Per keyspace, a checksum of what the log implies and of what the live store holds. */
  checksums: Record<ProjectionKeyspace, KeyspaceChecksum>;
}

type Outcome = 'missing' | 'differs' | 'unexpected';
type Keyspaces = Record<ProjectionKeyspace, KeyspaceContents>;
type Stores = { expected: ProjectionStore; actual: ProjectionStore };
type CheckedRecordCollection = Exclude<RecordCollection, 'user'>;

/**
 * Rebuilds the projection from the log in memory, with the same reducer the projector uses,
 * and compares a live store with it, reading the store only through its port. Writes that land
 * while it runs can show as differences; run it again before acting on one.
 */
export class ProjectionCheck {
  private readonly expected: MemoryProjectionStore;
  /** Token and grant revocation markers the log wrote, with their latest expiry. */
  private readonly revoked = new Map<string, number>();
  private readonly revokedGrants = new Map<string, number>();
  /** Consent withdrawals the log wrote, by `userId:clientId`. */
  private readonly cutoffs = new Map<string, { userId: string; clientId: string }>();
  /** Ids of records the log wrote (users are listed whole instead). */
  private readonly records = new Map<CheckedRecordCollection, Set<string>>();
  /** Write-once records the log wrote, by collection, with their latest expiry. */
  private readonly once = new Map<OnceCollection, Map<string, number>>();
  /** Member sets the log wrote, by collection, with their latest expiry. */
  private readonly members = new Map<MemberCollection, Map<string, number>>();
  private readonly writer: ProjectionWriter;
  private events = 0;

  constructor(private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {
    this.expected = new MemoryProjectionStore({ nowSeconds });
    const expected = this.expected;
    // The same projector table as every store, noting which records the log touched.
    this.writer = {
      applyClient: (...args) => expected.applyClient(...args),
      applyRecord: (collection, id, ...rest) => {
        if (collection !== 'user') entryOf(this.records, collection, () => new Set()).add(id);
        return expected.applyRecord(collection, id, ...rest);
      },
      indexOnce: (...args) => expected.indexOnce(...args),
      addToSet: (...args) => expected.addToSet(...args),
      putOnce: (collection, id, value, expiresAt) => {
        noteExpiry(
          entryOf(this.once, collection, () => new Map()),
          id,
          expiresAt,
        );
        return expected.putOnce(collection, id, value, expiresAt);
      },
      addMember: (collection, id, member, value, expiresAt) => {
        noteExpiry(
          entryOf(this.members, collection, () => new Map()),
          id,
          expiresAt,
        );
        return expected.addMember(collection, id, member, value, expiresAt);
      },
      markRevoked: (jti, expiresAt) => {
        noteExpiry(this.revoked, jti, expiresAt);
        return expected.markRevoked(jti, expiresAt);
      },
      markGrantRevoked: (grantId, expiresAt) => {
        noteExpiry(this.revokedGrants, grantId, expiresAt);
        return expected.markGrantRevoked(grantId, expiresAt);
      },
      markConsentWithdrawn: (userId, clientId, revokesGrantsBefore) => {
        this.cutoffs.set(`${userId}:${clientId}`, { userId, clientId });
        return expected.markConsentWithdrawn(userId, clientId, revokesGrantsBefore);
      },
      // Compared by the idle-client sweep's own reading, not here: a use mark only ever grows.
      markClientUsed: (...args) => expected.markClientUsed(...args),
      // Guards are not a projection; verify compares what readers see.
      restoreGuard: () => Promise.resolve(),
    };
  }

  async apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    this.events += 1;
    await projectEvent(this.writer, event, position);
  }

  async compare(actual: ProjectionStore): Promise<ProjectionCheckResult> {
    const now = this.nowSeconds();
    const keyspaces = await this.read({ expected: this.expected, actual }, now);
    const differences = (Object.entries(keyspaces) as Array<[ProjectionKeyspace, KeyspaceContents]>).flatMap(
      ([keyspace, contents]) =>
        diffKeyspace(contents).flatMap(([id, outcome]) => this.difference(keyspace, id, outcome) ?? []),
    );
    const records: ProjectionCheckResult['records'] = {};
    for (const [collection, ids] of this.records) records[collection] = ids.size;
    for (const [collection, expiries] of this.once) {
      const count = live(expiries, now).length;
      if (count > 0) records[collection] = count;
    }
    return {
      events: this.events,
      clients: keyspaces.clients.expected.size,
      users: keyspaces.users.expected.size,
      revocations: keyspaces.revocations.expected.size,
      records,
      differences,
      checksums: Object.fromEntries(
        Object.entries(keyspaces).map(([keyspace, contents]) => [keyspace, compareKeyspace(contents)]),
      ) as Record<ProjectionKeyspace, KeyspaceChecksum>,
    };
  }

  /** Every keyspace as the log implies it and as the live store holds it, one after the other. */
  private async read(stores: Stores, now: number): Promise<Keyspaces> {
    const record = (collection: CheckedRecordCollection) =>
      readKeyspace(stores, this.records.get(collection) ?? [], (store, id) => store.getRecord(collection, id));
    const once = (collection: OnceCollection) =>
      readKeyspace(stores, live(this.once.get(collection) ?? new Map(), now), (store, id) =>
        store.getOnce(collection, id),
      );
    const members = (collection: MemberCollection) =>
      readKeyspace(stores, live(this.members.get(collection) ?? new Map(), now), async (store, id) => {
        const set = await store.getMembers(collection, id);
        return set.size === 0 ? null : Object.fromEntries(set);
      });
    return {
      clients: await listKeyspace(stores, async (store) => byId(await store.listClients(), (c) => c.clientId)),
      users: await listKeyspace(stores, async (store) => byId(await store.listUsers(), (u) => u.userId)),
      // Every address either side lists must sign in the same account on both.
      'user-emails': await readKeyspace(stores, await this.addresses(stores), async (store, email) =>
        store.findUserByEmail(email).then((user) => user?.userId ?? null),
      ),
      consents: await record('consent'),
      'consent-resources': await record('consent-resources'),
      revocations: await readKeyspace(stores, live(this.revoked, now), (store, jti) => revokedOrNull(store, { jti })),
      'grant-revocations': await readKeyspace(stores, live(this.revokedGrants, now), (store, grantId) =>
        revokedOrNull(store, { grantId }),
      ),
      'personal-access-tokens': await record('personal-access-token'),
      resources: await record('resource'),
      device: await once('device'),
      'device-user-code': await once('device-user-code'),
      'device-decision': await once('device-decision'),
      'device-redeemed': await once('device-redeemed'),
      session: await once('session'),
      'session-ended': await once('session-ended'),
      'user-sessions': await members('user-sessions'),
      'session-grants': await members('session-grants'),
      'consent-cutoffs': await readKeyspace(stores, this.cutoffs.keys(), async (store, key) => {
        const consent = this.cutoffs.get(key);
        const cutoff = consent ? ((await store.read({ clientIds: [], consent })).grantsRevokedBefore ?? 0) : 0;
        return cutoff === 0 ? null : cutoff;
      }),
    };
  }

  /** The current address of every user either store lists. */
  private async addresses({ expected, actual }: Stores): Promise<Set<string>> {
    const users = [...(await expected.listUsers()), ...(await actual.listUsers())];
    return new Set(users.map((user) => user.email));
  }

  /** How one entry that differs is reported; markers the live store holds beyond the log's are not. */
  private difference(keyspace: ProjectionKeyspace, id: string, outcome: Outcome): ProjectionDifference | null {
    switch (keyspace) {
      case 'clients':
        return { kind: `client-${outcome}`, clientId: id };
      case 'users':
        return { kind: `user-${outcome}`, userId: id };
      case 'user-emails':
        return { kind: `user-email-${outcome}`, email: id };
      case 'revocations':
        return outcome === 'missing' ? { kind: 'revocation-missing', jti: id } : null;
      case 'grant-revocations':
        return outcome === 'missing' ? { kind: 'grant-revocation-missing', grantId: id } : null;
      case 'consent-cutoffs': {
        const consent = this.cutoffs.get(id);
        return consent && outcome !== 'unexpected' ? { kind: `consent-cutoff-${outcome}`, ...consent } : null;
      }
      case 'consents':
        return { kind: `record-${outcome}`, collection: 'consent', id };
      case 'personal-access-tokens':
        return { kind: `record-${outcome}`, collection: 'personal-access-token', id };
      case 'resources':
        return { kind: `record-${outcome}`, collection: 'resource', id };
      default:
        return { kind: `record-${outcome}`, collection: keyspace, id };
    }
  }
}

function entryOf<K, V>(entries: Map<K, V>, key: K, create: () => V): V {
  const entry = entries.get(key) ?? create();
  entries.set(key, entry);
  return entry;
}

/** Keeps the latest expiry an id was written with; which value stays is the store's business. */
function noteExpiry(expiries: Map<string, number>, id: string, expiresAt: number): void {
  expiries.set(id, Math.max(expiries.get(id) ?? 0, expiresAt));
}

/** The ids that have not expired yet. */
function live(expiries: ReadonlyMap<string, number>, now: number): string[] {
  return [...expiries].filter(([, expiresAt]) => expiresAt > now).map(([id]) => id);
}

async function revokedOrNull(store: ProjectionStore, query: { jti?: string; grantId?: string }): Promise<true | null> {
  return (await store.read({ clientIds: [], ...query })).revoked || null;
}

function byId<T>(records: readonly T[], id: (record: T) => string): Map<string, T> {
  return new Map(records.map((record) => [id(record), record]));
}

/** A keyspace both stores list whole. */
async function listKeyspace(
  { expected, actual }: Stores,
  list: (store: ProjectionStore) => Promise<ReadonlyMap<string, unknown>>,
): Promise<KeyspaceContents> {
  const [expectedEntries, actualEntries] = await Promise.all([list(expected), list(actual)]);
  return { expected: expectedEntries, actual: actualEntries };
}

/** A keyspace read id by id from both stores; a null value counts as absent. */
async function readKeyspace(
  { expected, actual }: Stores,
  ids: Iterable<string>,
  read: (store: ProjectionStore, id: string) => Promise<unknown>,
): Promise<KeyspaceContents> {
  const contents = { expected: new Map<string, unknown>(), actual: new Map<string, unknown>() };
  for (const id of ids) {
    const [expectedValue, actualValue] = await Promise.all([read(expected, id), read(actual, id)]);
    if (expectedValue !== null && expectedValue !== undefined) contents.expected.set(id, expectedValue);
    if (actualValue !== null && actualValue !== undefined) contents.actual.set(id, actualValue);
  }
  return contents;
}

/** Compares the two sides of a keyspace entry by entry, by their canonical JSON. */
function diffKeyspace({ expected, actual }: KeyspaceContents): Array<[string, Outcome]> {
  const outcomes: Array<[string, Outcome]> = [];
  for (const [id, record] of expected) {
    const live = actual.get(id);
    if (live === undefined) outcomes.push([id, 'missing']);
    else if (canonicalJson(live) !== canonicalJson(record)) outcomes.push([id, 'differs']);
  }
  for (const id of actual.keys()) if (!expected.has(id)) outcomes.push([id, 'unexpected']);
  return outcomes;
}
