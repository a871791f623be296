import type { GrantlineEvent } from '@grantline/lib-events';
import { evolveClient, type ClientRecord } from './client-projection';
import { applyMarkers } from './marker-events';
import type { AppliedPosition, ProjectionStore, RefreshClaim, StateQuery, StateSnapshot } from './port';
import { consentOf, normaliseEmail, userOf, type UserRecord } from './user-projection';

interface Clock {
  nowSeconds(): number;
}

interface Positioned<T> {
  value: T;
  position: AppliedPosition;
}

/** In-process projections for the embedded mode and unit tests; rebuilt from the log at start. */
export class MemoryProjectionStore implements ProjectionStore {
  private readonly clients = new Map<string, Positioned<ClientRecord | null>>();
  private readonly users = new Map<string, Positioned<UserRecord>>();
  private readonly userByEmail = new Map<string, string>();
  private readonly consents = new Map<string, Positioned<string[] | null>>();
  private readonly revoked = new Map<string, number>();
  private readonly revokedGrants = new Map<string, number>();
  private readonly consentCutoffs = new Map<string, number>();
  private readonly claims = new Map<string, number>();
  private readonly refreshClaims = new Map<string, { firstAt: number; expiresAt: number }>();
  private readonly windows = new Map<string, { count: number; resetsAt: number }>();

  constructor(private readonly clock: Clock = { nowSeconds: () => Math.floor(Date.now() / 1000) }) {}

  async apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    if (await applyMarkers(this, event)) return;
    const id = event.aggregate.id;
    if (event.aggregate.type === 'client') {
      const current = this.clients.get(id);
      if (current && !isAfter(position, current.position)) return;
      this.clients.set(id, { value: evolveClient(current?.value ?? null, event), position });
      return;
    }
    const user = userOf(event);
    if (user) {
      const current = this.users.get(id);
      if (current && !isAfter(position, current.position)) return;
      this.users.set(id, { value: user, position });
      const email = normaliseEmail(user.email);
      // The first account registered with an address keeps it.
      if (!this.userByEmail.has(email)) this.userByEmail.set(email, user.userId);
      return;
    }
    const consent = consentOf(event);
    if (consent) {
      const current = this.consents.get(consent.key);
      if (current && !isAfter(position, current.position)) return;
      this.consents.set(consent.key, { value: consent.scopes, position });
    }
  }

  async getClient(clientId: string): Promise<ClientRecord | null> {
    return this.clients.get(clientId)?.value ?? null;
  }

  async listClients(): Promise<ClientRecord[]> {
    return [...this.clients.values()].flatMap((entry) => (entry.value ? [entry.value] : []));
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    return this.users.get(userId)?.value ?? null;
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const userId = this.userByEmail.get(normaliseEmail(email));
    return userId === undefined ? null : this.getUser(userId);
  }

  async listUsers(): Promise<UserRecord[]> {
    return [...this.users.values()].map((entry) => entry.value);
  }

  async getConsent(userId: string, clientId: string): Promise<readonly string[] | null> {
    return this.consents.get(`${userId}:${clientId}`)?.value ?? null;
  }

  async isWebOrigin(origin: string): Promise<boolean> {
    return (await this.listClients()).some((client) => client.webOrigins.includes(origin));
  }

  async read(query: StateQuery): Promise<StateSnapshot> {
    const now = this.clock.nowSeconds();
    const live = (marks: Map<string, number>, key: string | undefined) =>
      key !== undefined && (marks.get(key) ?? 0) > now;
    return {
      revoked: live(this.revoked, query.jti) || live(this.revokedGrants, query.grantId),
      clients: new Map(query.clientIds.map((id) => [id, this.clients.get(id)?.value ?? null])),
      ...(query.userId === undefined ? {} : { user: this.users.get(query.userId)?.value ?? null }),
      ...(query.consent === undefined
        ? {}
        : { grantsRevokedBefore: this.consentCutoffs.get(consentKey(query.consent)) ?? 0 }),
    };
  }

  async markRevoked(jti: string, expiresAt: number): Promise<void> {
    if (expiresAt > this.clock.nowSeconds()) this.revoked.set(jti, expiresAt);
  }

  async markConsentWithdrawn(userId: string, clientId: string, revokesGrantsBefore: number): Promise<void> {
    const key = consentKey({ userId, clientId });
    this.consentCutoffs.set(key, Math.max(this.consentCutoffs.get(key) ?? 0, revokesGrantsBefore));
  }

  async markGrantRevoked(grantId: string, expiresAt: number): Promise<void> {
    if (expiresAt > this.clock.nowSeconds()) this.revokedGrants.set(grantId, expiresAt);
  }

  async claimOnce(key: string, expiresAt: number): Promise<boolean> {
    const now = this.clock.nowSeconds();
    if ((this.claims.get(key) ?? 0) > now) return false;
    this.claims.set(key, Math.max(expiresAt, now + 1));
    return true;
  }

  async releaseClaim(key: string): Promise<void> {
    this.claims.delete(key);
    this.refreshClaims.delete(key);
  }

  async claimRefreshToken(refreshId: string, expiresAt: number, graceSeconds: number): Promise<RefreshClaim> {
    const now = this.clock.nowSeconds();
    const existing = this.refreshClaims.get(refreshId);
    if (!existing || existing.expiresAt <= now) {
      this.refreshClaims.set(refreshId, { firstAt: now, expiresAt: Math.max(expiresAt, now + 1) });
      return { kind: 'first' };
    }
    return graceSeconds > 0 && now - existing.firstAt <= graceSeconds ? { kind: 'grace' } : { kind: 'reused' };
  }

  async isRateLimited(key: string, limit: number): Promise<boolean> {
    const window = this.windows.get(key);
    return window !== undefined && window.resetsAt > this.clock.nowSeconds() && window.count >= limit;
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

function consentKey(consent: { userId: string; clientId: string }): string {
  return `${consent.userId}:${consent.clientId}`;
}

/** Offsets are compared as integers within a partition; an aggregate's events share one partition. */
function isAfter(candidate: AppliedPosition, last: AppliedPosition): boolean {
  if (candidate.partition !== last.partition) return true;
  return BigInt(candidate.offset) > BigInt(last.offset);
}
