// Replays the seed's k6 "Load Testing" scenario (as k6/client-credentials.ts runs it against Grantline)
// from Node, for machines without k6: ramping VUs, each looping token request + introspection, then
// k6-style metrics and the seed's thresholds. Exits 1 when a threshold fails.
//
//   SEED_LOAD_SCALE=0.1 npm run bench:seed-load    # stage durations scaled to a tenth (24 s in all)
//
// Starts the bench's own stack unless GRANTLINE_URL names a running loopback origin.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { basic, isActive, issueToken, registerClient, tokenRequest } from './http-calls';
import { HttpPool } from './seed-load/http-pool';
import { metricSet, RunMetrics, emptyMetrics } from './seed-load/metrics';
import { describeStages, summaryLines } from './seed-load/print';
import {
  GRACEFUL_STOP_MS,
  GRANTLINE_TARGET,
  MAX_VUS,
  REQUEST_TIMEOUT_MS,
  SEED_OPTIONS,
  scaleFromEnv,
  SEED_SECTION,
  START_VUS,
} from './seed-load/scenario';
import { runSchedule } from './seed-load/scheduler';
import { executionSteps, maxPlannedVUs, plannedVUsAt, timedStages, totalDurationMs } from './seed-load/stages';
import { evaluateThresholds, parseThreshold, parseThresholds, validateThresholds } from './seed-load/thresholds';
import { iteration } from './seed-load/vu';
import { closingOnSignals, openTarget } from './target';

async function main(): Promise<number> {
  const scale = scaleFromEnv(process.env.SEED_LOAD_SCALE);
  const stages = timedStages(SEED_OPTIONS.stages, scale);
  const steps = executionSteps(stages, START_VUS);
  const vus = maxPlannedVUs(stages, START_VUS);
  if (vus > MAX_VUS) throw new Error(`the scenario plans ${vus} VUs; this driver runs at most ${MAX_VUS}`);
  const thresholds = parseThresholds(SEED_OPTIONS.thresholds);
  const grantlineTarget = parseThreshold(GRANTLINE_TARGET.metric, GRANTLINE_TARGET.expression);
  validateThresholds([...thresholds, grantlineTarget], emptyMetrics());

  const target = await openTarget();
  const close = closingOnSignals(target);

  const pool = new HttpPool(target.origin, vus, REQUEST_TIMEOUT_MS);
  try {
    console.log(`target: ${target.description}`);
    const client = await registerClient(target);
    const probe = await issueToken(target.origin, client);
    if (!(await isActive(target.origin, probe, client))) {
      throw new Error('a freshly issued token introspects as inactive; not load-testing a broken origin');
    }
    const durationMs = totalDurationMs(stages);
    console.log(
      `scenario: the seed's "${SEED_SECTION.replace(/^#+\s*/, '')}" k6 stages (ramping-vus), ${describeStages(stages, START_VUS)}; ` +
        `${(durationMs / 1000).toFixed(1)}s in all (SEED_LOAD_SCALE=${scale}), up to ${vus} VUs on ${vus} keep-alive connections`,
    );
    console.log(
      'each iteration: POST /oauth/token (client_credentials, scope read), then POST /oauth/introspect of the token',
    );

    const run = new RunMetrics();
    const context = {
      pool,
      metrics: run,
      tokenBody: new URLSearchParams(tokenRequest(client)).toString(),
      introspectionAuthorization: basic(client),
    };
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuAtStart = process.cpuUsage();
    const started = performance.now();
    const progress = setInterval(
      () => {
        const elapsed = performance.now() - started;
        process.stderr.write(
          `  ${(elapsed / 1000).toFixed(1)}s: ${plannedVUsAt(steps, elapsed)} VUs planned, ${run.requests} requests, ` +
            `${run.failedRequests} failed\n`,
        );
      },
      Math.max(1000, durationMs / 8),
    );
    let outcome;
    try {
      outcome = await runSchedule({
        steps,
        gracefulStopMs: GRACEFUL_STOP_MS,
        iteration: (signal) => iteration(context, signal),
      });
    } finally {
      clearInterval(progress);
      loopDelay.disable();
    }
    const cpu = process.cpuUsage(cpuAtStart);
    const generator = {
      cpuPercent: ((cpu.user + cpu.system) / 1000 / outcome.elapsedMs) * 100,
      eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    };

    const metrics = metricSet(run);
    const results = evaluateThresholds(thresholds, metrics.all);
    const [grantline] = evaluateThresholds([grantlineTarget], metrics.all);
    if (!grantline) throw new Error('the Grantline target was not evaluated');
    console.log('');
    console.log(
      summaryLines({ outcome, run, metrics, thresholds: results, grantlineTarget: grantline, generator }).join('\n'),
    );
    return results.every((result) => result.pass) ? 0 : 1;
  } finally {
    pool.close();
    await close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      `seed load test could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  },
);
