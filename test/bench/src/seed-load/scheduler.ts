// Runs VUs along a stage plan the way k6's ramping-vus executor does: at each step the planned count
// changes; VUs below it loop iterations back to back, and a VU above it finishes its current iteration
// and stops (graceful ramp-down). When the plan ends, VUs get the graceful stop period to finish their
// iterations; whatever is still running then is cut off and counted as interrupted.
import { setMaxListeners } from 'node:events';
import type { ExecutionStep } from './stages';

export interface ScheduleOptions {
  steps: readonly ExecutionStep[];
  gracefulStopMs: number;
  /** One iteration; resolves false when the signal cut it off. It should not reject. */
  iteration: (signal: AbortSignal) => Promise<boolean>;
}

export interface ScheduleOutcome {
  /** From the first step to the last VU stopping, graceful stop included. */
  elapsedMs: number;
  iterations: number;
  interruptedIterations: number;
  /** Iterations that threw, and the first such error. */
  failedIterations: number;
  firstError: unknown;
  maxRunningVUs: number;
}

function delay(ms: number): { done: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((resolvePromise) => {
    timer = setTimeout(resolvePromise, Math.max(0, ms));
  });
  return { done, cancel: () => clearTimeout(timer) };
}

export async function runSchedule(options: ScheduleOptions): Promise<ScheduleOutcome> {
  const abort = new AbortController();
  // Every request in flight listens on the one signal.
  setMaxListeners(Math.max(10, ...options.steps.map((step) => 2 * step.vus + 10)), abort.signal);
  const running = new Set<number>();
  const loops: Promise<void>[] = [];
  const outcome: ScheduleOutcome = {
    elapsedMs: 0,
    iterations: 0,
    interruptedIterations: 0,
    failedIterations: 0,
    firstError: undefined,
    maxRunningVUs: 0,
  };
  let planned = 0;

  const vu = async (index: number): Promise<void> => {
    try {
      while (index < planned && !abort.signal.aborted) {
        try {
          if (await options.iteration(abort.signal)) outcome.iterations++;
          else outcome.interruptedIterations++;
        } catch (error) {
          outcome.failedIterations++;
          outcome.firstError ??= error;
        }
      }
    } finally {
      running.delete(index);
    }
  };

  const plan = (vus: number) => {
    planned = vus;
    for (let index = 0; index < vus; index++) {
      if (running.has(index)) continue;
      running.add(index);
      loops.push(vu(index));
    }
    outcome.maxRunningVUs = Math.max(outcome.maxRunningVUs, running.size);
  };

  const started = performance.now();
  for (const step of options.steps) {
    await delay(started + step.offsetMs - performance.now()).done;
    plan(step.vus);
  }
  plan(0);

  const grace = delay(options.gracefulStopMs);
  await Promise.race([Promise.all(loops), grace.done]);
  grace.cancel();
  abort.abort();
  await Promise.all(loops);
  outcome.elapsedMs = performance.now() - started;
  return outcome;
}
