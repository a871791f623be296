// How many VUs k6's ramping-vus executor plans at each moment of a `stages` scenario.
import { parseK6Duration, type Stage } from './k6-options';

export interface TimedStage {
  durationMs: number;
  target: number;
}

export interface ExecutionStep {
  /** Milliseconds from the start of the scenario. */
  offsetMs: number;
  vus: number;
}

/** The stages with their durations in milliseconds, multiplied by `scale` (e.g. 0.1 for a run a tenth as long). */
export function timedStages(stages: readonly Stage[], scale = 1): TimedStage[] {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`the scale must be a positive number, got ${scale}`);
  return stages.map((stage) => ({
    durationMs: Math.round(parseK6Duration(stage.duration) * scale),
    target: stage.target,
  }));
}

export function totalDurationMs(stages: readonly TimedStage[]): number {
  return stages.reduce((sum, stage) => sum + stage.durationMs, 0);
}

export function maxPlannedVUs(stages: readonly TimedStage[], startVUs: number): number {
  return Math.max(startVUs, ...stages.map((stage) => stage.target));
}

/**
 * The moments at which the planned VU count changes, as k6 computes them: within a stage the count moves
 * linearly from the previous target to the stage's target, one VU at a time, reaching each whole number
 * at the moment the line does. Ramping up the count is therefore the line rounded down, ramping down the
 * line rounded up (a VU is let go only once the line has passed below it). A stage of zero duration jumps
 * at its end. The last step is 0 VUs at the end of the scenario.
 */
export function executionSteps(stages: readonly TimedStage[], startVUs: number): ExecutionStep[] {
  const steps: ExecutionStep[] = [{ offsetMs: 0, vus: startVUs }];
  const add = (offsetMs: number, vus: number) => {
    // Several changes at one moment (a zero-length stage, a steep ramp): the last one wins.
    while ((steps[steps.length - 1]?.offsetMs ?? -1) >= offsetMs) steps.pop();
    if (steps[steps.length - 1]?.vus !== vus) steps.push({ offsetMs, vus });
  };
  let from = startVUs;
  let start = 0;
  for (const stage of stages) {
    const end = start + stage.durationMs;
    const diff = stage.target - from;
    if (diff !== 0 && stage.durationMs === 0) {
      add(end, stage.target);
    } else if (diff > 0) {
      for (let vus = from + 1; vus <= stage.target; vus++) {
        add(end - Math.trunc((stage.durationMs * (stage.target - vus)) / diff), vus);
      }
    } else if (diff < 0) {
      for (let vus = from - 1; vus >= stage.target; vus--) {
        add(end - Math.trunc((stage.durationMs * (vus - stage.target)) / -diff), vus);
      }
    }
    from = stage.target;
    start = end;
  }
  add(start, 0);
  return steps;
}

/** The planned VU count `elapsedMs` into the scenario (0 from its end on). */
export function plannedVUsAt(steps: readonly ExecutionStep[], elapsedMs: number): number {
  let vus = 0;
  for (const step of steps) {
    if (step.offsetMs > elapsedMs) break;
    vus = step.vus;
  }
  return vus;
}
