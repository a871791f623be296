/** Outcome of presenting a refresh token to its single-use claim. */
export type RefreshClaim =
  /** First presentation: the caller rotates it. */
  | { kind: 'first' }
  /** Already rotated, but within the client's grace period. */
  | { kind: 'grace' }
  /** Already rotated and outside any grace period: reuse. */
  | { kind: 'reused' };

/**
 * Ephemeral guards, owned by the service that checks them: single-use claims, rotation guards
 * and rate limits. They are atomic (a Lua script or a single command in Redis), are not
 * projections of the log, and are not rebuilt from it; each lives until its own expiry.
 */
export interface GuardStore {
  /** Atomic single-use claim (authorization codes, device codes): true for the first caller only. */
  claimOnce(key: string, expiresAt: number): Promise<boolean>;
  /** Undoes a claim whose request failed before anything was handed out, so the client may retry. */
  releaseClaim(key: string): Promise<void>;
  /** Atomic rotation guard for one refresh token; `graceSeconds` counts from the first presentation. */
  claimRefreshToken(refreshId: string, expiresAt: number, graceSeconds: number): Promise<RefreshClaim>;
  /** Whether the fixed-window counter has reached `limit`, without counting this call. */
  isRateLimited(key: string, limit: number): Promise<boolean>;
  /** Fixed-window counter; true while the caller is within `limit` per `windowSeconds`. */
  consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<boolean>;
  /**
   * Records a poll of a device code (RFC 8628 §3.5) and says whether it came sooner than the
   * device's current interval after the previous poll; each such poll adds 5 s to the interval,
   * for this and every later poll. The first poll may come at any time. Timed by one clock
   * (the Redis server's), so every replica agrees.
   */
  recordDevicePoll(deviceId: string, intervalSeconds: number, expiresAt: number): Promise<DevicePoll>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DevicePoll {
  tooSoon: boolean;
  /** The interval now in force for this device code, in seconds. */
  intervalSeconds: number;
}

/** RFC 8628 §3.5: the interval grows by 5 seconds on each slow_down. */
export const SLOW_DOWN_STEP_SECONDS = 5;
