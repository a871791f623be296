// What a run measures, named like k6's built-in metrics.
import { ENDPOINTS, type Endpoint } from './scenario';
import type { Metric } from './thresholds';

export interface CheckCount {
  passes: number;
  fails: number;
}

export class RunMetrics {
  /** Request durations in ms per endpoint (k6's http_req_duration, tagged by endpoint). */
  readonly durations: Record<Endpoint, number[]> = { token: [], introspect: [] };
  /** Requests that failed (k6's http_req_failed): a network error or a status outside 200-399. */
  readonly failures: Record<Endpoint, number> = { token: 0, introspect: 0 };
  /** Check name to its counts, in the order the checks were first made. */
  readonly checks = new Map<string, CheckCount>();

  request(endpoint: Endpoint, durationMs: number, failed: boolean): void {
    this.durations[endpoint].push(durationMs);
    if (failed) this.failures[endpoint]++;
  }

  check(name: string, ok: boolean): boolean {
    let count = this.checks.get(name);
    if (!count) {
      count = { passes: 0, fails: 0 };
      this.checks.set(name, count);
    }
    if (ok) count.passes++;
    else count.fails++;
    return ok;
  }

  get requests(): number {
    return ENDPOINTS.reduce((sum, endpoint) => sum + this.durations[endpoint].length, 0);
  }

  get failedRequests(): number {
    return ENDPOINTS.reduce((sum, endpoint) => sum + this.failures[endpoint], 0);
  }
}

/** The status codes k6 counts as expected by default; any other response, or none, is a failed request. */
export function isExpectedStatus(status: number): boolean {
  return status >= 200 && status <= 399;
}

export interface MetricSet {
  /** For thresholds: http_req_duration (all endpoints), http_req_failed, checks. */
  all: Record<string, Metric>;
  /** http_req_duration per endpoint, sorted. */
  byEndpoint: Record<Endpoint, number[]>;
}

export function metricSet(run: RunMetrics): MetricSet {
  const ascending = (a: number, b: number) => a - b;
  const byEndpoint = {
    token: [...run.durations.token].sort(ascending),
    introspect: [...run.durations.introspect].sort(ascending),
  };
  let checkPasses = 0;
  let checkTotal = 0;
  for (const count of run.checks.values()) {
    checkPasses += count.passes;
    checkTotal += count.passes + count.fails;
  }
  return {
    all: {
      http_req_duration: { type: 'trend', values: [...byEndpoint.token, ...byEndpoint.introspect].sort(ascending) },
      http_req_failed: { type: 'rate', trues: run.failedRequests, total: run.requests },
      checks: { type: 'rate', trues: checkPasses, total: checkTotal },
    },
    byEndpoint,
  };
}

/** The metrics with no samples, for checking thresholds against before a run. */
export function emptyMetrics(): Record<string, Metric> {
  return metricSet(new RunMetrics()).all;
}
