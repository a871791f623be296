export interface Settings {
  /** Length of each measured window. */
  seconds: number;
  warmUpSeconds: number;
  connections: number;
  poolSize: number;
  /** Concurrency while the pool is issued. */
  poolConcurrency: number;
  /** A slow issuer's pool stays smaller than poolSize. */
  poolTimeLimitMs: number;
  /** Introspection answers checked one by one before and after a window. */
  activeSample: number;
  /** Servers to run, in this order. */
  only: string[] | undefined;
  /** After this much time no further server is started. */
  budgetMs: number;
}

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** BENCH_PEERS_SECONDS scales the windows; BENCH_PEERS_ONLY picks servers by name. */
export function settingsFromEnv(env: NodeJS.ProcessEnv, known: readonly string[]): Settings {
  const seconds = positive('BENCH_PEERS_SECONDS', env.BENCH_PEERS_SECONDS, 8);
  const onlyRaw = env.BENCH_PEERS_ONLY?.trim();
  const only = onlyRaw
    ? onlyRaw
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
    : undefined;
  const unknown = only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(`BENCH_PEERS_ONLY: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  return {
    seconds,
    warmUpSeconds: Math.min(3, Math.max(1, Math.round(seconds / 3))),
    connections: 50,
    poolSize: 10_000,
    poolConcurrency: 16,
    poolTimeLimitMs: 60_000,
    activeSample: 50,
    only,
    budgetMs: 12 * 60_000,
  };
}
