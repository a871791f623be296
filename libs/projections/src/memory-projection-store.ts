import type { GrantlineEvent } from '@grantline/lib-events';
import { evolveClient, type ClientRecord } from './client-projection';
import type { AppliedPosition, ProjectionStore, StateQuery, StateSnapshot } from './port';

interface Clock {
  nowSeconds(): number;
}

/** In-process projections for the embedded mode and unit tests; rebuilt from the log at start. */
export class MemoryProjectionStore implements ProjectionStore {
  private readonly clients = new Map<string, { record: ClientRecord; position: AppliedPosition }>();
  private readonly deletedAt = new Map<string, AppliedPosition>();
  private readonly revoked = new Map<string, number>();
  private readonly windows = new Map<string, { count: number; resetsAt: number }>();

  constructor(private readonly clock: Clock = { nowSeconds: () => Math.floor(Date.now() / 1000) }) {}

  async apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    if (event.type === 'AccessTokenRevoked') {
      await this.markRevoked(event.data.jti, event.data.expiresAt);
      return;
    }
    if (event.aggregate.type !== 'client') return;
    const id = event.aggregate.id;
    const last = this.clients.get(id)?.position ?? this.deletedAt.get(id);
    if (last && !isAfter(position, last)) return;
    const next = evolveClient(this.clients.get(id)?.record ?? null, event);
    if (next) {
      this.clients.set(id, { record: next, position });
      this.deletedAt.delete(id);
    } else {
      this.clients.delete(id);
      this.deletedAt.set(id, position);
    }
  }

  async getClient(clientId: string): Promise<ClientRecord | null> {
    return this.clients.get(clientId)?.record ?? null;
  }

  async listClients(): Promise<ClientRecord[]> {
    return [...this.clients.values()].map((entry) => entry.record);
  }

  async read(query: StateQuery): Promise<StateSnapshot> {
    const expiresAt = query.jti === undefined ? undefined : this.revoked.get(query.jti);
    return {
      revoked: expiresAt !== undefined && expiresAt > this.clock.nowSeconds(),
      clients: new Map(query.clientIds.map((id) => [id, this.clients.get(id)?.record ?? null])),
    };
  }

  async markRevoked(jti: string, expiresAt: number): Promise<void> {
    if (expiresAt > this.clock.nowSeconds()) this.revoked.set(jti, expiresAt);
  }

  async consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<boolean> {
    const now = this.clock.nowSeconds();
    const window = this.windows.get(key);
    if (!window || window.resetsAt <= now) {
      this.windows.set(key, { count: 1, resetsAt: now + windowSeconds });
      return limit >= 1;
    }
    window.count += 1;
    return window.count <= limit;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}

/** Offsets are compared as integers within a partition; a client's events share one partition. */
function isAfter(candidate: AppliedPosition, last: AppliedPosition): boolean {
  if (candidate.partition !== last.partition) return true;
  return BigInt(candidate.offset) > BigInt(last.offset);
}
