import type { GrantlineEvent } from '@grantline/lib-events';
import { MemoryProjectionStore } from './memory-projection-store';
import type { AppliedPosition, OnceCollection, ProjectionStore, RecordCollection } from './port';
import { projectEvent, type ProjectionWriter } from './projectors';

export type ProjectionDifference =
  | { kind: 'client-missing' | 'client-unexpected' | 'client-differs'; clientId: string }
  | { kind: 'user-missing' | 'user-unexpected' | 'user-differs'; userId: string }
  | { kind: 'revocation-missing'; jti: string }
  | { kind: 'grant-revocation-missing'; grantId: string }
  /** A record of another collection (consents, personal access tokens, device authorizations). */
  | { kind: 'record-missing' | 'record-differs'; collection: RecordCollection | OnceCollection; id: string };

export interface ProjectionCheckResult {
  events: number;
  clients: number;
  users: number;
  revocations: number;
  /** Records of the other collections compared, by collection. */
  records: Partial<Record<RecordCollection | OnceCollection, number>>;
  differences: ProjectionDifference[];
}

/**
 * Rebuilds the projection from the log in memory, with the same reducer the projector uses,
 * and compares a live store with it. Writes that land while it runs can show as differences;
 * run it again before acting on one.
 */
export class ProjectionCheck {
  private readonly expected: MemoryProjectionStore;
  private readonly revoked = new Map<string, number>();
  private readonly revokedGrants = new Map<string, number>();
  private readonly records = new Map<string, { collection: RecordCollection; id: string }>();
  private readonly once = new Map<string, { collection: OnceCollection; id: string; expiresAt: number }>();
  private readonly writer: ProjectionWriter;
  private events = 0;

  constructor(private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {
    this.expected = new MemoryProjectionStore({ nowSeconds });
    const expected = this.expected;
    // The same projector table as every store, noting which records the log touched.
    this.writer = {
      applyClient: (...args) => expected.applyClient(...args),
      applyRecord: (collection, id, ...rest) => {
        if (collection !== 'user') this.records.set(`${collection}\u0000${id}`, { collection, id });
        return expected.applyRecord(collection, id, ...rest);
      },
      indexOnce: (...args) => expected.indexOnce(...args),
      putOnce: (collection, id, value, expiresAt) => {
        this.once.set(`${collection}\u0000${id}`, { collection, id, expiresAt });
        return expected.putOnce(collection, id, value, expiresAt);
      },
      markRevoked: (...args) => expected.markRevoked(...args),
      markGrantRevoked: (...args) => expected.markGrantRevoked(...args),
      markConsentWithdrawn: (...args) => expected.markConsentWithdrawn(...args),
    };
  }

  async apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    this.events += 1;
    await projectEvent(this.writer, event, position);
    if (event.type === 'AccessTokenRevoked') this.revoked.set(event.data.jti, event.data.expiresAt);
    if (event.type === 'GrantRevoked') this.revokedGrants.set(event.data.grantId, event.data.expiresAt);
  }

  async compare(actual: ProjectionStore): Promise<ProjectionCheckResult> {
    const differences: ProjectionDifference[] = [];
    const expectedClients = byId(await this.expected.listClients(), (client) => client.clientId);
    for (const [clientId, outcome] of diffRecords(
      expectedClients,
      byId(await actual.listClients(), (c) => c.clientId),
    )) {
      differences.push({ kind: `client-${outcome}`, clientId });
    }
    const expectedUsers = byId(await this.expected.listUsers(), (user) => user.userId);
    for (const [userId, outcome] of diffRecords(
      expectedUsers,
      byId(await actual.listUsers(), (u) => u.userId),
    )) {
      differences.push({ kind: `user-${outcome}`, userId });
    }
    const now = this.nowSeconds();
    const unexpired = [...this.revoked].filter(([, expiresAt]) => expiresAt > now);
    for (const [jti] of unexpired) {
      if (!(await actual.read({ clientIds: [], jti })).revoked) differences.push({ kind: 'revocation-missing', jti });
    }
    for (const [grantId, expiresAt] of this.revokedGrants) {
      if (expiresAt <= now) continue;
      if (!(await actual.read({ clientIds: [], grantId })).revoked) {
        differences.push({ kind: 'grant-revocation-missing', grantId });
      }
    }
    const records: ProjectionCheckResult['records'] = {};
    const count = (collection: RecordCollection | OnceCollection) =>
      (records[collection] = (records[collection] ?? 0) + 1);
    for (const { collection, id } of this.records.values()) {
      count(collection);
      const outcome = compareValues(
        await this.expected.getRecord(collection, id),
        await actual.getRecord(collection, id),
      );
      if (outcome) differences.push({ kind: `record-${outcome}`, collection, id });
    }
    for (const { collection, id, expiresAt } of this.once.values()) {
      if (expiresAt <= now) continue;
      count(collection);
      const outcome = compareValues(await this.expected.getOnce(collection, id), await actual.getOnce(collection, id));
      if (outcome) differences.push({ kind: `record-${outcome}`, collection, id });
    }
    return {
      events: this.events,
      clients: expectedClients.size,
      users: expectedUsers.size,
      revocations: unexpired.length,
      records,
      differences,
    };
  }
}

function byId<T>(records: readonly T[], id: (record: T) => string): Map<string, T> {
  return new Map(records.map((record) => [id(record), record]));
}

/** Compares two keyed record sets by their JSON. */
function diffRecords<T>(
  expected: ReadonlyMap<string, T>,
  actual: ReadonlyMap<string, T>,
): Array<[string, 'missing' | 'differs' | 'unexpected']> {
  const outcomes: Array<[string, 'missing' | 'differs' | 'unexpected']> = [];
  for (const [id, record] of expected) {
    const live = actual.get(id);
    if (live === undefined) outcomes.push([id, 'missing']);
    else if (JSON.stringify(live) !== JSON.stringify(record)) outcomes.push([id, 'differs']);
  }
  for (const id of actual.keys()) if (!expected.has(id)) outcomes.push([id, 'unexpected']);
  return outcomes;
}

function compareValues(expected: unknown, actual: unknown): 'missing' | 'differs' | undefined {
  if (expected === null) return undefined;
  if (actual === null) return 'missing';
  return JSON.stringify(actual) === JSON.stringify(expected) ? undefined : 'differs';
}
