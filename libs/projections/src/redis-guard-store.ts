import { guardKeys } from './guard-keys';
import { devicePollToleranceMs, type DevicePoll, type GuardStore, type RefreshClaim } from './guard-port';
import { callDefined, failClosed, RedisStore, type RedisConnectionOptions } from './redis-connection';
import { claimRefreshScript, devicePollScript, rateLimitScript } from './redis-scripts';

/** Guards in Redis, shared by every replica of the service that owns them; each is one atomic step. */
export class RedisGuardStore extends RedisStore implements GuardStore {
  constructor(options: RedisConnectionOptions) {
    super(options);
    this.redis.defineCommand('grantlineClaimRefresh', { numberOfKeys: 1, lua: claimRefreshScript });
    this.redis.defineCommand('grantlineRateLimit', { numberOfKeys: 1, lua: rateLimitScript });
    this.redis.defineCommand('grantlineDevicePoll', { numberOfKeys: 1, lua: devicePollScript });
  }

  async recordDevicePoll(deviceId: string, intervalSeconds: number, expiresAt: number): Promise<DevicePoll> {
    const outcome = await failClosed(() =>
      callDefined(this.redis, 'grantlineDevicePoll', [
        this.key(`device-poll:${deviceId}`),
        String(intervalSeconds * 1000),
        String(expiresAt),
        String(devicePollToleranceMs(intervalSeconds)),
      ]),
    );
    const [tooSoon, intervalMs] = outcome as [number, number];
    return { tooSoon: tooSoon === 1, intervalSeconds: Number(intervalMs) / 1000 };
  }

  async claimOnce(key: string, expiresAt: number): Promise<boolean> {
    const exat = Math.max(expiresAt, Math.floor(Date.now() / 1000) + 1);
    return (await failClosed(() => this.redis.set(this.key(guardKeys.claim(key)), '1', 'EXAT', exat, 'NX'))) === 'OK';
  }

  async isClaimed(key: string): Promise<boolean> {
    return (await failClosed(() => this.redis.exists(this.key(guardKeys.claim(key))))) === 1;
  }

  async releaseClaim(key: string): Promise<void> {
    await failClosed(() => this.redis.del(this.key(guardKeys.claim(key)), this.key(guardKeys.refresh(key))));
  }

  async claimRefreshToken(refreshId: string, expiresAt: number, graceSeconds: number): Promise<RefreshClaim> {
    const outcome = await failClosed(() =>
      callDefined(this.redis, 'grantlineClaimRefresh', [
        this.key(guardKeys.refresh(refreshId)),
        String(expiresAt),
        String(graceSeconds * 1000),
      ]),
    );
    const kinds = ['first', 'grace', 'reused'] as const;
    return { kind: kinds[Number(outcome)] ?? 'reused' };
  }

  async isRateLimited(key: string, limit: number): Promise<boolean> {
    return Number((await failClosed(() => this.redis.get(this.key(`rate:${key}`)))) ?? 0) >= limit;
  }

  async consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<boolean> {
    const count = await failClosed(() =>
      callDefined(this.redis, 'grantlineRateLimit', [this.key(`rate:${key}`), String(windowSeconds)]),
    );
    return Number(count) <= limit;
  }
}
