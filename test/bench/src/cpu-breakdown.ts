import { startCpuCount, type ProcessGroup } from './process-cpu';
import { printRows, type ScenarioResult } from './scenario';

export interface CpuBreakdown {
  scenario: ScenarioResult;
  /** µs of CPU per 2xx answer, by process group, in the order the groups were given. */
  perRequest: Array<{ label: string; micros: number }>;
}

/** Runs a scenario while counting the CPU each group of the server's processes spends on it. */
export async function withCpuBreakdown(
  groups: readonly ProcessGroup[],
  run: () => Promise<ScenarioResult>,
): Promise<CpuBreakdown> {
  const stop = startCpuCount(groups);
  const scenario = await run();
  const spent = stop();
  const served = Math.max(1, scenario.succeeded);
  return { scenario, perRequest: spent.map(({ label, micros }) => ({ label, micros: micros / served })) };
}

/** One column per scenario, one row per process group, and their total. */
export function printCpuBreakdown(breakdowns: readonly CpuBreakdown[]): void {
  const first = breakdowns[0];
  if (!first || first.perRequest.length === 0) return;
  const rows = first.perRequest.map(({ label }, index) => [
    label,
    ...breakdowns.map((b) => (b.perRequest[index]?.micros ?? 0).toFixed(0)),
  ]);
  rows.push(['total', ...breakdowns.map((b) => b.perRequest.reduce((sum, { micros }) => sum + micros, 0).toFixed(0))]);
  printRows(['CPU µs per 2xx answer', ...breakdowns.map((b) => b.scenario.name)], rows);
}
