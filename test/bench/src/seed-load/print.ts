// The end-of-run summary, laid out like k6's.
import type { MetricSet, RunMetrics } from './metrics';
import { ENDPOINTS } from './scenario';
import type { ScheduleOutcome } from './scheduler';
import type { TimedStage } from './stages';
import { aggregate, type ThresholdResult } from './thresholds';

export interface Summary {
  outcome: ScheduleOutcome;
  run: RunMetrics;
  metrics: MetricSet;
  thresholds: ThresholdResult[];
  /** Grantline's own target: printed, never affecting the exit code. */
  grantlineTarget: ThresholdResult;
  /** What the load generator itself used: its CPU in % of one core, and its event loop's p99 delay. */
  generator?: { cpuPercent: number; eventLoopDelayP99Ms: number };
}

export function ms(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}ms` : 'n/a';
}

function percent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(2)}%` : 'n/a';
}

function perSecond(count: number, elapsedMs: number): string {
  return elapsedMs > 0 ? `${(count / (elapsedMs / 1000)).toFixed(1)}/s` : 'n/a';
}

function label(name: string): string {
  return `${name} `.padEnd(34, '.') + ':';
}

export function describeStages(stages: readonly TimedStage[], startVUs: number): string {
  const parts = stages.map(
    (stage) => `${(stage.durationMs / 1000).toFixed(stage.durationMs % 1000 ? 2 : 0)}s -> ${stage.target}`,
  );
  return `start ${startVUs} VU, ${parts.join(', ')}`;
}

function formatActual(result: ThresholdResult): string {
  const { aggregation } = result.threshold;
  if (!Number.isFinite(result.actual)) return `${aggregation}=n/a, no samples`;
  return aggregation === 'rate' ? `${aggregation}=${percent(result.actual)}` : `${aggregation}=${ms(result.actual)}`;
}

export function thresholdLine(result: ThresholdResult): string {
  const { metric, expression } = result.threshold;
  return `${result.pass ? 'PASS' : 'FAIL'}  ${metric} '${expression}' (${formatActual(result)})`;
}

export function summaryLines(summary: Summary): string[] {
  const { outcome, run, metrics } = summary;
  const lines: string[] = [];
  const duration = metrics.all.http_req_duration;
  const failed = metrics.all.http_req_failed;
  const checks = metrics.all.checks;
  const stat = (name: string) => (duration ? ms(aggregate(duration, name)) : 'n/a');

  if (checks?.type === 'rate') {
    lines.push(
      `${label('checks')} ${percent(checks.trues / checks.total)}  ${checks.trues} passed, ${checks.total - checks.trues} failed`,
    );
  }
  for (const [name, count] of run.checks) {
    lines.push(`  ${count.fails === 0 ? 'ok  ' : 'FAIL'} ${name}: ${count.passes} passed, ${count.fails} failed`);
  }
  lines.push(
    `${label('http_req_duration')} avg=${stat('avg')} min=${stat('min')} p(50)=${stat('med')} p(90)=${stat('p(90)')} ` +
      `p(95)=${stat('p(95)')} p(99)=${stat('p(99)')} max=${stat('max')}`,
  );
  for (const endpoint of ENDPOINTS) {
    const values = metrics.byEndpoint[endpoint];
    const trend = { type: 'trend' as const, values };
    lines.push(
      `${label(`  { endpoint:${endpoint} }`)} p(50)=${ms(aggregate(trend, 'med'))} p(95)=${ms(aggregate(trend, 'p(95)'))} ` +
        `p(99)=${ms(aggregate(trend, 'p(99)'))} (${values.length} requests, ${run.failures[endpoint]} failed)`,
    );
  }
  if (failed?.type === 'rate') {
    lines.push(
      `${label('http_req_failed')} ${percent(failed.trues / failed.total)}  ${failed.trues} of ${failed.total}`,
    );
  }
  lines.push(`${label('http_reqs')} ${run.requests}  ${perSecond(run.requests, outcome.elapsedMs)}`);
  lines.push(`${label('iterations')} ${outcome.iterations}  ${perSecond(outcome.iterations, outcome.elapsedMs)}`);
  if (outcome.interruptedIterations > 0) {
    lines.push(`${label('interrupted iterations')} ${outcome.interruptedIterations} (cut off after the graceful stop)`);
  }
  if (outcome.failedIterations > 0) {
    lines.push(`${label('iterations that threw')} ${outcome.failedIterations}: ${String(outcome.firstError)}`);
  }
  lines.push(`${label('vus_max')} ${outcome.maxRunningVUs}`);
  lines.push(`${label('duration')} ${(outcome.elapsedMs / 1000).toFixed(1)}s`);
  if (summary.generator) {
    lines.push(
      `${label('load generator')} ${summary.generator.cpuPercent.toFixed(0)}% of one core, event loop delay ` +
        `p(99)=${ms(summary.generator.eventLoopDelayP99Ms)} (a starved or busy generator inflates http_req_duration)`,
    );
  }
  lines.push('');
  lines.push("thresholds (the seed's; a FAIL fails the run):");
  for (const result of summary.thresholds) lines.push(`  ${thresholdLine(result)}`);
  const target = summary.grantlineTarget;
  lines.push(
    `Grantline's target (reported only, does not affect the exit code):\n  ${target.pass ? 'MET' : 'MISSED'}  ` +
      `${target.threshold.metric} '${target.threshold.expression}' (${formatActual(target)})`,
  );
  return lines;
}
