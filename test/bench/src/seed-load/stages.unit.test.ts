import { SEED_OPTIONS, START_VUS } from './scenario';
import { executionSteps, maxPlannedVUs, plannedVUsAt, timedStages, totalDurationMs } from './stages';

describe("the seed's stages", () => {
  const stages = timedStages(SEED_OPTIONS.stages);
  const steps = executionSteps(stages, START_VUS);

  it('last 4 minutes and peak at 100 VUs', () => {
    expect(totalDurationMs(stages)).toBe(240_000);
    expect(maxPlannedVUs(stages, START_VUS)).toBe(100);
  });

  it.each([
    [0, 1],
    [3_333, 1],
    [3_334, 2],
    [15_000, 5], // 1 + 9 * 0.5 = 5.5, rounded down while ramping up
    [29_999, 9],
    [30_000, 10],
    [60_000, 30],
    [90_000, 50],
    [150_000, 75],
    [209_999, 99],
    [210_000, 100],
    [210_299, 100], // ramping down, a VU goes only once the line has passed below it
    [210_300, 99],
    [225_000, 50],
    [239_699, 2],
    [239_700, 1],
    [239_999, 1],
    [240_000, 0],
    [300_000, 0],
  ])('plan %d ms in: %d VUs', (elapsedMs, vus) => {
    expect(plannedVUsAt(steps, elapsedMs)).toBe(vus);
  });

  it('change one VU at a time, in time order, and end with 0 VUs at the end', () => {
    for (let i = 1; i < steps.length; i++) {
      const [before, after] = [steps[i - 1], steps[i]];
      expect(after?.offsetMs).toBeGreaterThan(before?.offsetMs ?? Infinity);
      expect(Math.abs((after?.vus ?? 0) - (before?.vus ?? 0))).toBe(1);
    }
    expect(steps[steps.length - 1]).toEqual({ offsetMs: 240_000, vus: 0 });
    // 1 -> 10 -> 50 -> 100 -> 0: 9 + 40 + 50 + 100 changes after the start.
    expect(steps).toHaveLength(1 + 9 + 40 + 50 + 100);
  });

  it('scale with SEED_LOAD_SCALE', () => {
    expect(timedStages(SEED_OPTIONS.stages, 0.1)).toEqual([
      { durationMs: 3_000, target: 10 },
      { durationMs: 6_000, target: 50 },
      { durationMs: 12_000, target: 100 },
      { durationMs: 3_000, target: 0 },
    ]);
    expect(() => timedStages(SEED_OPTIONS.stages, 0)).toThrow(/positive/);
  });
});

describe('executionSteps', () => {
  it('holds a level through a stage whose target it already has', () => {
    const steps = executionSteps(
      [
        { durationMs: 1_000, target: 2 },
        { durationMs: 5_000, target: 2 },
        { durationMs: 1_000, target: 0 },
      ],
      0,
    );
    expect(steps).toEqual([
      { offsetMs: 0, vus: 0 },
      { offsetMs: 500, vus: 1 },
      { offsetMs: 1_000, vus: 2 },
      { offsetMs: 6_500, vus: 1 },
      { offsetMs: 7_000, vus: 0 },
    ]);
  });

  it('jumps at the end of a zero-length stage', () => {
    expect(
      executionSteps(
        [
          { durationMs: 0, target: 5 },
          { durationMs: 1_000, target: 5 },
        ],
        1,
      ),
    ).toEqual([
      { offsetMs: 0, vus: 5 },
      { offsetMs: 1_000, vus: 0 },
    ]);
  });

  it('keeps the last of several changes at one moment', () => {
    // 100 VUs in 10 ms: ten of them share each millisecond.
    const steps = executionSteps([{ durationMs: 10, target: 100 }], 0);
    expect(steps.map((step) => step.offsetMs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(plannedVUsAt(steps, 5)).toBe(50);
    expect(plannedVUsAt(steps, 9)).toBe(90);
    expect(plannedVUsAt(steps, 10)).toBe(0);
  });
});
