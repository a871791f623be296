// The seed's "Load Testing" k6 scenario as this driver runs it. k6/client-credentials.ts has the same
// options; seed-options.unit.test.ts checks both against the seed document.
import type { LoadOptions } from './k6-options';

export const SEED_SECTION = '### Load Testing';
export const SEED_LANGUAGE = 'typescript';

export const SEED_OPTIONS: LoadOptions = {
  stages: [
    { duration: '30s', target: 10 },
    { duration: '1m', target: 50 },
    { duration: '2m', target: 100 },
    { duration: '30s', target: 0 },
  ],
  thresholds: {
    http_req_duration: ['p(95)<500'],
    http_req_failed: ['rate<0.02'],
  },
};

/** k6's defaults for a `stages` script: the ramping-vus executor starts with `vus`, which defaults to 1. */
export const START_VUS = 1;
/** k6's default gracefulRampDown and gracefulStop: how long a VU that is no longer wanted may finish its iteration. */
export const GRACEFUL_STOP_MS = 30_000;
/** k6's default per-request timeout. */
export const REQUEST_TIMEOUT_MS = 60_000;
/** The seed's peak; the driver refuses a scenario that would run more VUs than this. */
export const MAX_VUS = 100;

/** Grantline's own latency target, reported next to the seed's thresholds but never failing the run. */
export const GRANTLINE_TARGET = { metric: 'http_req_duration', expression: 'p(95)<=25' } as const;

/** The checks of k6/client-credentials.ts, in the order it makes them. */
export const CHECKS = {
  tokenStatus: 'token: status 200',
  tokenHasAccessToken: 'token: has access_token',
  introspectStatus: 'introspect: status 200',
  introspectActive: 'introspect: token is active',
} as const;

export type Endpoint = 'token' | 'introspect';
export const ENDPOINTS: readonly Endpoint[] = ['token', 'introspect'];

/** SEED_LOAD_SCALE: a number in (0, 1] that multiplies every stage duration; 1 (the seed's 4 minutes) by default. */
export function scaleFromEnv(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 1) {
    throw new Error(`SEED_LOAD_SCALE must be a number greater than 0 and at most 1, got "${raw}"`);
  }
  return scale;
}
