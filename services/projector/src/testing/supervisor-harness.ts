import { createLogger } from '@grantline/lib-http';
import { noMetrics, propagationOnly } from '@grantline/lib-telemetry';
import { ManualClock, MemoryPositionedLog, type Offsets } from '@grantline/lib-testing';
import { ProjectionSupervisor } from '../projection-supervisor';
import { MemoryProjectionControl } from './memory-projection-control';

export const CHECK_INTERVAL_MS = 500;

export interface Given {
  /** What the consumer group committed as applied. */
  committed?: Offsets;
  /** The last offset in each partition of the log. */
  ends?: Offsets;
  /** What the store holds before the supervisor starts. */
  store?: (store: MemoryProjectionControl) => void;
  /** The store an earlier projector process wrote to, for one that starts after it; a new one otherwise. */
  over?: MemoryProjectionControl;
}

/** A supervisor over in-memory fakes, and what it logged and measured. */
export interface Harness {
  supervisor: ProjectionSupervisor;
  store: MemoryProjectionControl;
  log: MemoryPositionedLog;
  clock: ManualClock;
  /** The messages it logged so far, in order. */
  messages(): string[];
  /** The log lines it wrote, parsed. */
  lines: Array<Record<string, unknown>>;
  /** Each finished rebuild: why it started and how long it took. */
  rebuilds: Array<{ reason: string; seconds: number }>;
  /** One periodic check, as the interval would run it. */
  checkOnce(): Promise<void>;
}

export function givenSupervisor(given: Given = {}): Harness {
  const clock = new ManualClock();
  const store = given.over ?? new MemoryProjectionControl(() => clock.now());
  given.store?.(store);
  const log = new MemoryPositionedLog(given.committed, given.ends);
  const lines: Array<Record<string, unknown>> = [];
  const rebuilds: Array<{ reason: string; seconds: number }> = [];
  const logger = createLogger('projector', 'info', {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  const supervisor = new ProjectionSupervisor({
    log,
    control: store,
    groupId: 'grantline.projector',
    checkIntervalMs: CHECK_INTERVAL_MS,
    telemetry: {
      metrics: { ...noMetrics, projectionRebuilt: (reason, seconds) => void rebuilds.push({ reason, seconds }) },
      tracing: propagationOnly,
    },
    logger,
    clock,
  });
  return {
    supervisor,
    store,
    log,
    clock,
    messages: () => lines.map((line) => String(line.msg)),
    lines,
    rebuilds,
    checkOnce: () => clock.advance(CHECK_INTERVAL_MS),
  };
}

/**
 * A started supervisor over a ready projection, generation `g0`, holding `tokens:0` through
 * offset 4, as the group committed; the log's partition ends at `logEnd`.
 */
export async function runningOverReadyStore(logEnd = 4): Promise<Harness> {
  const harness = givenSupervisor({
    committed: { 'tokens:0': '4' },
    ends: { 'tokens:0': String(logEnd) },
    store: (store) => store.seed('g0', { 'tokens:0': '4' }),
  });
  await harness.supervisor.start();
  return harness;
}

/**
 * Lets work the supervisor started without handing back a promise (a check on reconnect, the
 * deletion of old generations) run to its end: every fake answers at once, so one turn of the
 * event loop suffices.
 */
export function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
