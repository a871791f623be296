import type { Measurement } from './driver';

export type Scenario = 'A produce' | 'B consume';

export interface Row {
  client: string;
  round: number;
  scenario: Scenario;
  measurement?: Measurement;
  failure?: string;
}

const HEADER = [
  'client',
  'round',
  'scenario',
  'events/s',
  'p50 ms',
  'p99 ms',
  'client CPU µs/event',
  'broker CPU µs/event',
  'notes',
];

function fixed(value: number | undefined, digits: number): string {
  return value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits);
}

function cells(row: Row): string[] {
  const m = row.measurement;
  const start = [row.client, String(row.round), row.scenario];
  if (!m) {
    const [first, second] = (row.failure ?? '?').split('\n');
    return [...start, '-', '-', '-', '-', '-', `failed: ${first ?? ''}${second ? ` ${second}` : ''}`];
  }
  return [
    ...start,
    m.eventsPerSecond.toFixed(0),
    fixed(m.p50Ms, 1),
    fixed(m.p99Ms, 1),
    m.clientCpuMicrosPerEvent.toFixed(1),
    fixed(m.brokerCpuMicrosPerEvent, 1),
    m.note,
  ];
}

/** One table for every row, columns padded, with rows sorted by scenario then client then round. */
export function printTable(rows: readonly Row[], print: (line: string) => void): void {
  const sorted = [...rows].sort(
    (a, b) => a.scenario.localeCompare(b.scenario) || a.client.localeCompare(b.client) || a.round - b.round,
  );
  const table = [HEADER, ...sorted.map(cells)];
  const widths = HEADER.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const format = (line: string[]) =>
    line
      .map((cell, column) => (column === line.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join(' | ')
      .trimEnd();
  print(format(table[0] ?? HEADER));
  print(widths.map((width, column) => '-'.repeat(column === widths.length - 1 ? 5 : width)).join('-|-'));
  for (const line of table.slice(1)) print(format(line));
}
