import { GRANT_MEMBERS, nowSeconds, type Adapter, type AdapterFactory, type Payload } from './oidc-provider-adapter';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/**
 * A plain map with expiry. The provider's bundled memory adapter is an LRU of 1,000 entries,
 * which would drop most of a pool of 10,000 live tokens.
 */
class ExpiringMap<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(sweepMs: number) {
    setInterval(() => this.sweep(), sweepMs).unref();
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T, expiresInSeconds: number | undefined): void {
    const expiresAt = expiresInSeconds === undefined ? Number.POSITIVE_INFINITY : Date.now() + expiresInSeconds * 1000;
    this.entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

const payloads = new ExpiringMap<Payload>(60_000);
const lookups = new ExpiringMap<string>(60_000);
const grants = new Map<string, Set<string>>();

/** Every model's instances in this process's memory. */
export function memoryAdapter(): AdapterFactory {
  return class MemoryAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      payloads.set(key, payload, expiresIn);
      if (this.model === 'Session' && payload.uid) lookups.set(`uid:${payload.uid}`, id, expiresIn);
      if (payload.userCode) lookups.set(`userCode:${payload.userCode}`, id, expiresIn);
      if (payload.grantId && GRANT_MEMBERS.has(this.model)) {
        const members = grants.get(payload.grantId) ?? new Set<string>();
        members.add(key);
        grants.set(payload.grantId, members);
      }
    }

    async find(id: string): Promise<Payload | undefined> {
      return payloads.get(this.key(id));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const id = lookups.get(`uid:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const id = lookups.get(`userCode:${userCode}`);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id: string): Promise<void> {
      const payload = payloads.get(this.key(id));
      if (payload) payload.consumed = nowSeconds();
    }

    async destroy(id: string): Promise<void> {
      payloads.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) payloads.delete(key);
      grants.delete(grantId);
    }
  };
}
