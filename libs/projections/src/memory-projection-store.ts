import type { GrantlineEvent } from '@grantline/lib-events';
import { userSnapshotSchema } from '@grantline/lib-events';
import type { ClientRecord } from './client-projection';
import type {
  AppliedPosition,
  MemberCollection,
  OnceCollection,
  ProjectionStore,
  RecordCollection,
  StateQuery,
  StateSnapshot,
} from './port';
import { projectEvent, writeMarksThrough, type WrittenThroughEvent } from './projectors';
import type { ProjectionWriter, RestoredGuard } from './projection-writer';
import { emailOwner, userEmailKeys, type UserRecord } from './user-projection';

export interface SecondsClock {
  nowSeconds(): number;
}

export const systemSeconds: SecondsClock = { nowSeconds: () => Math.floor(Date.now() / 1000) };

interface Positioned<T> {
  value: T;
  position: AppliedPosition;
}

/** In-process projections for the embedded mode and unit tests; rebuilt from the log at start. */
export class MemoryProjectionStore implements ProjectionStore, ProjectionWriter {
  private readonly clients = new Map<string, Positioned<ClientRecord | null>>();
  private readonly records = new Map<string, Positioned<unknown>>();
  private readonly indexes = new Map<string, Set<string>>();
  private readonly lookups = new Map<string, string>();
  private readonly sets = new Map<string, Set<string>>();
  private readonly once = new Map<string, { value: unknown; expiresAt: number }>();
  private readonly members = new Map<string, { values: Map<string, unknown>; expiresAt: number }>();
  private readonly revoked = new Map<string, number>();
  private readonly revokedGrants = new Map<string, number>();
  private readonly consentCutoffs = new Map<string, number>();
  private readonly clientUses = new Map<string, number>();

  /** `guards`, when given, gets back the guards the log shows were used as events are applied. */
  constructor(
    private readonly clock: SecondsClock = systemSeconds,
    private readonly guards?: { restore(guard: RestoredGuard): void },
  ) {}

  apply(event: GrantlineEvent, position: AppliedPosition): Promise<void> {
    return projectEvent(this, event, position);
  }

  writeThrough(events: readonly WrittenThroughEvent[]): Promise<void> {
    return writeMarksThrough(this, events);
  }

  async applyClient(clientId: string, position: AppliedPosition, record: ClientRecord | null): Promise<void> {
    const current = this.clients.get(clientId);
    if (current && !isAfter(position, current.position)) return;
    this.clients.set(clientId, { value: record, position });
  }

  async applyRecord(
    collection: RecordCollection,
    id: string,
    position: AppliedPosition,
    record: unknown,
    index?: string,
  ): Promise<void> {
    const key = `${collection}:${id}`;
    const current = this.records.get(key);
    if (current && !isAfter(position, current.position)) return;
    this.records.set(key, { value: record, position });
    if (index === undefined) return;
    const members = this.indexes.get(index) ?? new Set<string>();
    if (record === null) members.delete(id);
    else members.add(id);
    this.indexes.set(index, members);
  }

  async indexOnce(key: string, value: string): Promise<void> {
    if (!this.lookups.has(key)) this.lookups.set(key, value);
  }

  async addToSet(key: string, member: string): Promise<void> {
    this.sets.set(key, (this.sets.get(key) ?? new Set()).add(member));
  }

  async putOnce(collection: OnceCollection, id: string, value: unknown, expiresAt: number): Promise<void> {
    const key = `${collection}:${id}`;
    if (expiresAt <= this.clock.nowSeconds() || this.getOnceNow(key) !== null) return;
    this.once.set(key, { value, expiresAt });
  }

  async addMember(
    collection: MemberCollection,
    id: string,
    member: string,
    value: unknown,
    expiresAt: number,
  ): Promise<void> {
    const now = this.clock.nowSeconds();
    if (expiresAt <= now) return;
    const key = `${collection}:${id}`;
    const current = this.members.get(key);
    const set = current && current.expiresAt > now ? current : { values: new Map<string, unknown>(), expiresAt };
    if (!set.values.has(member)) set.values.set(member, value);
    set.expiresAt = Math.max(set.expiresAt, expiresAt);
    this.members.set(key, set);
  }

  async getMembers(collection: MemberCollection, id: string): Promise<ReadonlyMap<string, unknown>> {
    const set = this.members.get(`${collection}:${id}`);
    return set && set.expiresAt > this.clock.nowSeconds() ? new Map(set.values) : new Map();
  }

  async getOnce(collection: OnceCollection, id: string): Promise<unknown> {
    return this.getOnceNow(`${collection}:${id}`);
  }

  async getRecord(collection: RecordCollection, id: string): Promise<unknown> {
    return this.records.get(`${collection}:${id}`)?.value ?? null;
  }

  async listRecords(collection: RecordCollection, index: string): Promise<unknown[]> {
    const ids = [...(this.indexes.get(index) ?? [])];
    return ids.map((id) => this.records.get(`${collection}:${id}`)?.value ?? null).filter((value) => value !== null);
  }

  async getClient(clientId: string): Promise<ClientRecord | null> {
    return this.clients.get(clientId)?.value ?? null;
  }

  async listClients(): Promise<ClientRecord[]> {
    return [...this.clients.values()].flatMap((entry) => (entry.value ? [entry.value] : []));
  }

  async getUser(userId: string): Promise<UserRecord | null> {
    return parseUser(await this.getRecord('user', userId));
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const firstId = this.lookups.get(userEmailKeys.lookup(email));
    const first = firstId === undefined ? null : await this.getUser(firstId);
    const candidates = await Promise.all(
      [...(this.sets.get(userEmailKeys.candidates(email)) ?? [])].map((id) => this.getUser(id)),
    );
    return emailOwner(
      email,
      first,
      candidates.filter((user) => user !== null),
    );
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.listRecords('user', 'users')).map((record) => userSnapshotSchema.parse(record));
  }

  async getConsent(userId: string, clientId: string): Promise<readonly string[] | null> {
    return ((await this.getRecord('consent', `${userId}:${clientId}`)) as string[] | null) ?? null;
  }

  async isWebOrigin(origin: string): Promise<boolean> {
    return (await this.listClients()).some((client) => client.webOrigins.includes(origin));
  }

  async read(query: StateQuery): Promise<StateSnapshot> {
    const now = this.clock.nowSeconds();
    const live = (marks: Map<string, number>, key: string | undefined) =>
      key !== undefined && (marks.get(key) ?? 0) > now;
    return {
      revoked:
        live(this.revoked, query.jti) ||
        (query.exchangedFrom ?? []).some((jti) => live(this.revoked, jti)) ||
        live(this.revokedGrants, query.grantId),
      clients: new Map(query.clientIds.map((id) => [id, this.clients.get(id)?.value ?? null])),
      ...(query.userId === undefined ? {} : { user: await this.getUser(query.userId) }),
      ...(query.consent === undefined
        ? {}
        : { grantsRevokedBefore: this.consentCutoffs.get(consentKey(query.consent)) ?? 0 }),
      ...(query.sessionId === undefined
        ? {}
        : { sessionEnded: this.getOnceNow(`session-ended:${query.sessionId}`) !== null }),
    };
  }

  async markRevoked(jti: string, expiresAt: number): Promise<void> {
    if (expiresAt > this.clock.nowSeconds()) this.revoked.set(jti, expiresAt);
  }

  async markConsentWithdrawn(userId: string, clientId: string, revokesGrantsBefore: number): Promise<void> {
    const key = consentKey({ userId, clientId });
    this.consentCutoffs.set(key, Math.max(this.consentCutoffs.get(key) ?? 0, revokesGrantsBefore));
  }

  async markClientUsed(clientId: string, at: number): Promise<void> {
    this.clientUses.set(clientId, Math.max(this.clientUses.get(clientId) ?? 0, at));
  }

  async clientLastUsed(clientId: string): Promise<number | null> {
    return this.clientUses.get(clientId) ?? null;
  }

  async markGrantRevoked(grantId: string, expiresAt: number): Promise<void> {
    if (expiresAt > this.clock.nowSeconds()) this.revokedGrants.set(grantId, expiresAt);
  }

  async restoreGuard(guard: RestoredGuard): Promise<void> {
    this.guards?.restore(guard);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  private getOnceNow(key: string): unknown {
    const entry = this.once.get(key);
    return entry && entry.expiresAt > this.clock.nowSeconds() ? entry.value : null;
  }
}

function parseUser(record: unknown): UserRecord | null {
  return record === null ? null : userSnapshotSchema.parse(record);
}

function consentKey(consent: { userId: string; clientId: string }): string {
  return `${consent.userId}:${consent.clientId}`;
}

/** Offsets are compared as integers within a partition; an aggregate's events share one partition. */
function isAfter(candidate: AppliedPosition, last: AppliedPosition): boolean {
  if (candidate.partition !== last.partition) return true;
  return BigInt(candidate.offset) > BigInt(last.offset);
}
