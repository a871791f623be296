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
  /** Whether a claim made with `claimOnce` is held and not yet expired; claims nothing. */
  isClaimed(key: string): Promise<boolean>;
  /** Atomic rotation guard for one refresh token; `graceSeconds` counts from the first presentation. */
  claimRefreshToken(refreshId: string, expiresAt: number, graceSeconds: number): Promise<RefreshClaim>;
  /** Whether the fixed-window counter has reached `limit`, without counting this call. */
  isRateLimited(key: string, limit: number): Promise<boolean>;
  /** Fixed-window counter; true while the caller is within `limit` per `windowSeconds`. */
  consumeRateLimit(key: string, limit: number, windowSeconds: number): Promise<boolean>;
  /**
   * Records a poll of a device code (RFC 8628 §3.5) and says whether it came sooner than the
   * device's current interval, less `devicePollToleranceMs` of the advertised one, after the
   * previous poll; each such poll adds 5 s to the interval, for this and every later poll. The
   * first poll may come at any time. Timed by one clock (the Redis server's), so every replica
   * agrees.
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

/** The share of the advertised interval a poll may come early by, and the most it may be. */
const POLL_TOLERANCE_SHARE = 0.1;
const POLL_TOLERANCE_MAX_MS = 500;

/**
 * How much sooner than the interval in force a poll may come and still be on time, in ms: a
 * tenth of the advertised interval, at most 500 ms. RFC 8628 §3.2 makes `interval` a SHOULD;
 * a client on a fixed timer polls exactly that far apart, but the server times each poll after
 * client authentication and reads, so the gap it sees shrinks when one request took longer than
 * the next. The tolerance absorbs that and timer jitter. It lets a client poll at most at
 * `interval - tolerance` (4.5 s for 5 s) without slow_down; it is fixed by the advertised
 * interval, so it does not grow as slow_down lengthens the interval (docs/decisions/0014).
 */
export function devicePollToleranceMs(advertisedIntervalSeconds: number): number {
  return Math.min(Math.round(advertisedIntervalSeconds * 1000 * POLL_TOLERANCE_SHARE), POLL_TOLERANCE_MAX_MS);
}

/** The one rule both guard stores apply (the Redis script receives the tolerance from here). */
export function isPollTooSoon(elapsedMs: number, intervalMs: number, toleranceMs: number): boolean {
  return elapsedMs < intervalMs - toleranceMs;
}
