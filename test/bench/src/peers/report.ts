import type { Measurement } from './measure';
import { cells, HEADER, markdownTable, type Row } from './table';

export interface ServerOutcome {
  name: string;
  installed?: string;
  measurements: Measurement[];
  notes: string[];
  failure?: string;
}

function errorDetail(measurement: Measurement): { errors: number; detail: string } {
  const { load, inactiveInSamples } = measurement;
  const parts: Array<[number, string]> = [
    [load.non2xx, 'non-2xx'],
    [load.transportErrors, 'connection errors/timeouts'],
    [load.inactive + inactiveInSamples, 'active:false'],
  ];
  const errors = parts.reduce((sum, [count]) => sum + count, 0);
  return {
    errors,
    detail: parts
      .filter(([count]) => count > 0)
      .map(([count, what]) => `${count} ${what}`)
      .join(', '),
  };
}

export function rowsOf(outcomes: ServerOutcome[]): Row[] {
  return outcomes.flatMap((outcome) =>
    outcome.measurements.map((measurement) => {
      const { errors, detail } = errorDetail(measurement);
      return {
        server: outcome.name,
        scenario: measurement.scenario,
        requestsPerSecond: measurement.load.requestsPerSecond,
        p50: measurement.load.p50,
        p90: measurement.load.p90,
        p99: measurement.load.p99,
        cpuMicrosPerRequest: measurement.cpuMicrosPerRequest,
        errors,
        errorDetail: detail,
      };
    }),
  );
}

/** Per-process CPU µs/req, summed by label (e.g. both token replicas apart, both nginx processes together). */
function processLine(measurement: Measurement): string {
  const byLabel = new Map<string, number>();
  for (const process of measurement.processes) {
    byLabel.set(process.label, (byLabel.get(process.label) ?? 0) + process.microsPerRequest);
  }
  const total = [...byLabel.values()].reduce((sum, value) => sum + value, 0);
  const parts = [...byLabel].map(([label, micros]) => `${label} ${micros.toFixed(0)}`);
  return `${parts.join(', ')} (sum ${total.toFixed(0)} of ${measurement.cpuMicrosPerRequest.toFixed(0)} on CPU 0)`;
}

export function printReport(outcomes: ServerOutcome[], print: (line: string) => void): void {
  print(markdownTable(HEADER, cells(rowsOf(outcomes))));
  print('');
  print(
    'Ratios are Grantline ÷ that row: req/s above 1 means Grantline serves more; CPU below 1 means Grantline spends less per request.',
  );
  print('');
  print('Notes:');
  for (const outcome of outcomes) {
    if (outcome.failure !== undefined) print(`- ${outcome.name}: NOT MEASURED: ${outcome.failure}`);
    for (const note of outcome.notes) print(`- ${outcome.name}: ${note}`);
    for (const { scenario, note } of outcome.measurements) if (note) print(`- ${outcome.name}, ${scenario}: ${note}`);
  }
  print('');
  print('Per-process CPU µs/req of the server’s own processes (/proc/PID/stat):');
  print('');
  print(
    markdownTable(
      ['server', 'scenario', 'processes'],
      outcomes.flatMap((outcome) => outcome.measurements.map((m) => [outcome.name, m.scenario, processLine(m)])),
      3,
    ),
  );
  print('');
  print('Installed:');
  for (const outcome of outcomes) if (outcome.installed) print(`- ${outcome.name}: ${outcome.installed}`);
}
