import type { GrantlineEvent } from '@grantline/lib-events';
import { MemoryProjectionStore } from './memory-projection-store';
import type { AppliedPosition, ProjectionStore } from './port';

export type ProjectionDifference =
  | { kind: 'client-missing' | 'client-unexpected' | 'client-differs'; clientId: string }
  | { kind: 'user-missing' | 'user-unexpected' | 'user-differs'; userId: string }
  | { kind: 'revocation-missing'; jti: string }
  | { kind: 'grant-revocation-missing'; grantId: string };

export interface ProjectionCheckResult {
  events: number;
  clients: number;
  users: number;
  revocations: number;
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
  private events = 0;

  constructor(private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {
    this.expected = new MemoryProjectionStore({ nowSeconds });
  }

  async apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    this.events += 1;
    await this.expected.apply(event, position);
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
    return {
      events: this.events,
      clients: expectedClients.size,
      users: expectedUsers.size,
      revocations: unexpired.length,
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
