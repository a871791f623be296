/** An access token the load holds, by its value and `jti`. */
export interface HeldToken {
  token: string;
  jti: string;
}

/** A chain of refresh tokens from one authorization-code grant; each refresh replaces the token. */
export interface RefreshChain {
  refreshToken: string;
  busy: boolean;
  /**
   * Set when the chain's state became unknown (no answer, or a 5xx other than 503 after which the
   * rotation may or may not have happened) or dead (invalid_grant): it is not used again.
   */
  retired: boolean;
  /** The last request with `refreshToken` was answered 503, which promises it changed nothing. */
  refused: boolean;
}

/** A pending device code that the load polls, never sooner than its interval after the last answer. */
export interface PolledDevice {
  deviceCode: string;
  intervalMs: number;
  /** Epoch ms before which it is not polled again. */
  nextPollAt: number;
  busy: boolean;
  retired: boolean;
}

/** What the load works on, kept across scenarios (revoked tokens stay revoked for every later one). */
export interface LoadPools {
  /** Tokens issued and not revoked, newest last. */
  live: HeldToken[];
  /** Tokens whose revocation was answered 200. */
  revoked: HeldToken[];
  chains: RefreshChain[];
  devices: PolledDevice[];
  /** Introspection alternates between a live token and a revoked one; this says which comes next. */
  askRevokedNext: boolean;
}

export function emptyPools(): LoadPools {
  return { live: [], revoked: [], chains: [], devices: [], askRevokedNext: false };
}

/** Keeps this many live tokens before revoking any, so introspection always has one to ask about. */
const MIN_LIVE = 8;
/** How far back introspection looks among live and revoked tokens. */
const RECENT = 64;

export function pickRecent<T>(list: readonly T[], random: () => number): T | undefined {
  if (list.length === 0) return undefined;
  const window = Math.min(list.length, RECENT);
  return list[list.length - 1 - Math.floor(random() * window)];
}

/** The oldest live token, taken out of the live pool, once enough are left for introspection. */
export function takeForRevocation(pools: LoadPools): HeldToken | undefined {
  return pools.live.length > MIN_LIVE ? pools.live.shift() : undefined;
}

export function freeChain(pools: LoadPools): RefreshChain | undefined {
  return pools.chains.find((chain) => !chain.busy && !chain.retired);
}

export function dueDevice(pools: LoadPools, now: number): PolledDevice | undefined {
  return pools.devices.find((device) => !device.busy && !device.retired && device.nextPollAt <= now);
}
