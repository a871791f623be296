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
    const expectedClients = new Map((await this.expected.listClients()).map((client) => [client.clientId, client]));
    const actualClients = new Map((await actual.listClients()).map((client) => [client.clientId, client]));
    for (const [clientId, client] of expectedClients) {
      const live = actualClients.get(clientId);
      if (!live) differences.push({ kind: 'client-missing', clientId });
      else if (JSON.stringify(live) !== JSON.stringify(client)) differences.push({ kind: 'client-differs', clientId });
    }
    for (const clientId of actualClients.keys()) {
      if (!expectedClients.has(clientId)) differences.push({ kind: 'client-unexpected', clientId });
    }
    const expectedUsers = new Map((await this.expected.listUsers()).map((user) => [user.userId, user]));
    const actualUsers = new Map((await actual.listUsers()).map((user) => [user.userId, user]));
    for (const [userId, user] of expectedUsers) {
      const live = actualUsers.get(userId);
      if (!live) differences.push({ kind: 'user-missing', userId });
      else if (JSON.stringify(live) !== JSON.stringify(user)) differences.push({ kind: 'user-differs', userId });
    }
    for (const userId of actualUsers.keys()) {
      if (!expectedUsers.has(userId)) differences.push({ kind: 'user-unexpected', userId });
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
