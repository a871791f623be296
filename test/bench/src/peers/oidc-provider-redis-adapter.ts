import { GRANT_MEMBERS, nowSeconds, type Adapter, type AdapterFactory, type Payload } from './oidc-provider-adapter';

/** The few ioredis calls the adapter makes. */
export interface RedisClient {
  get(key: string): Promise<string | null>;
  del(...keys: string[]): Promise<number>;
  smembers(key: string): Promise<string[]>;
  multi(): RedisMulti;
}

export interface RedisMulti {
  set(key: string, value: string, ...options: Array<string | number>): RedisMulti;
  sadd(key: string, member: string): RedisMulti;
  expire(key: string, seconds: number): RedisMulti;
  exec(): Promise<unknown>;
}

/**
 * Every model instance as a JSON string under `<prefix><Model>:<id>` that expires with it; a set
 * per grant lists its members, and two plain keys map session uids and user codes to ids.
 */
export function redisAdapter(redis: RedisClient, prefix: string): AdapterFactory {
  const grantKey = (grantId: string) => `${prefix}grant:${grantId}`;
  const lookupKey = (kind: 'uid' | 'userCode', value: string) => `${prefix}${kind}:${value}`;

  const readJson = async (key: string): Promise<Payload | undefined> => {
    const stored = await redis.get(key);
    return stored === null ? undefined : (JSON.parse(stored) as Payload);
  };

  return class RedisAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${prefix}${this.model}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      const ttl = expiresIn === undefined ? [] : ['EX', expiresIn];
      const batch = redis.multi().set(key, JSON.stringify(payload), ...ttl);
      if (this.model === 'Session' && payload.uid) batch.set(lookupKey('uid', payload.uid), id, ...ttl);
      if (payload.userCode) batch.set(lookupKey('userCode', payload.userCode), id, ...ttl);
      if (payload.grantId && GRANT_MEMBERS.has(this.model)) {
        batch.sadd(grantKey(payload.grantId), key);
        if (expiresIn !== undefined) batch.expire(grantKey(payload.grantId), expiresIn);
      }
      await batch.exec();
    }

    async find(id: string): Promise<Payload | undefined> {
      return readJson(this.key(id));
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      const id = await redis.get(lookupKey('uid', uid));
      return id === null ? undefined : this.find(id);
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      const id = await redis.get(lookupKey('userCode', userCode));
      return id === null ? undefined : this.find(id);
    }

    async consume(id: string): Promise<void> {
      const key = this.key(id);
      const payload = await readJson(key);
      if (payload === undefined) return;
      payload.consumed = nowSeconds();
      await redis.multi().set(key, JSON.stringify(payload), 'KEEPTTL').exec();
    }

    async destroy(id: string): Promise<void> {
      await redis.del(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const members = await redis.smembers(grantKey(grantId));
      await redis.del(grantKey(grantId), ...members);
    }
  };
}
