import {
  devicePollToleranceMs,
  isPollTooSoon,
  SLOW_DOWN_STEP_SECONDS,
  type DevicePoll,
  type GuardStore,
  type RefreshClaim,
} from './guard-port';
import { systemSeconds, type SecondsClock } from './memory-projection-store';
import type { RestoredGuard } from './projection-writer';

/** In-process guards for the embedded mode (one process, so no replica can disagree) and unit tests. */
export class MemoryGuardStore implements GuardStore {
  private readonly claims = new Map<string, number>();
  private readonly refreshClaims = new Map<string, { firstAt: number; expiresAt: number }>();
  private readonly windows = new Map<string, { count: number; resetsAt: number }>();
  private readonly polls = new Map<string, { lastMs: number; intervalMs: number; expiresAt: number }>();

  constructor(
    private readonly clock: SecondsClock = systemSeconds,
    private readonly nowMs: () => number = clock === systemSeconds ? Date.now : () => clock.nowSeconds() * 1000,
  ) {}

  async recordDevicePoll(deviceId: string, intervalSeconds: number, expiresAt: number): Promise<DevicePoll> {
    const now = this.nowMs();
    const previous = this.polls.get(deviceId);
    const live = previous && previous.expiresAt > this.clock.nowSeconds() ? previous : undefined;
    let intervalMs = live?.intervalMs ?? intervalSeconds * 1000;
    const tooSoon =
      live !== undefined && isPollTooSoon(now - live.lastMs, intervalMs, devicePollToleranceMs(intervalSeconds));
    if (tooSoon) intervalMs += SLOW_DOWN_STEP_SECONDS * 1000;
    this.polls.set(deviceId, { lastMs: now, intervalMs, expiresAt });
    return { tooSoon, intervalSeconds: intervalMs / 1000 };
  }

  async claimOnce(key: string, expiresAt: number): Promise<boolean> {
    const now = this.clock.nowSeconds();
    if ((this.claims.get(key) ?? 0) > now) return false;
    this.claims.set(key, Math.max(expiresAt, now + 1));
    return true;
  }

  /** Puts back a guard the log shows was used (see ProjectionWriter.restoreGuard); an existing one stays. */
  restore(guard: RestoredGuard): void {
    if (guard.expiresAt <= this.clock.nowSeconds()) return;
    if (guard.kind === 'claim') {
      if (!this.claims.has(guard.key)) this.claims.set(guard.key, guard.expiresAt);
    } else if (!this.refreshClaims.has(guard.refreshId)) {
      this.refreshClaims.set(guard.refreshId, {
        firstAt: Math.floor(guard.firstAt / 1000),
        expiresAt: guard.expiresAt,
      });
    }
  }

  async isClaimed(key: string): Promise<boolean> {
    return (this.claims.get(key) ?? 0) > this.clock.nowSeconds();
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
