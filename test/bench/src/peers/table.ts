/** One measured scenario of one server, as it goes into the table. */
export interface Row {
  server: string;
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  /** CPU 0 busy time per 2xx answer, µs. */
  cpuMicrosPerRequest: number;
  errors: number;
  /** What the errors were, e.g. "3 non-2xx, 2 inactive". */
  errorDetail: string;
}

export const EMBEDDED = 'grantline-embedded';
export const STACK = 'grantline-stack';

export const HEADER = [
  'server',
  'scenario',
  'req/s',
  'p50 ms',
  'p90 ms',
  'p99 ms',
  'server CPU µs/req',
  'errors',
  'embedded req/s ratio',
  'embedded CPU ratio',
  'stack req/s ratio',
  'stack CPU ratio',
];

function finite(value: number): boolean {
  return Number.isFinite(value) && value > 0;
}

/** `ours / theirs` as "1.23×", or "—" when either side is missing. */
export function ratio(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || !finite(ours) || !finite(theirs)) return '—';
  return `${(ours / theirs).toFixed(2)}×`;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** The table's cells for each row, with Grantline's ratios to the row's server in the same scenario. */
export function cells(rows: Row[]): string[][] {
  const reference = (server: string, scenario: string) =>
    rows.find((row) => row.server === server && row.scenario === scenario);
  return rows.map((row) => {
    const ratios = [EMBEDDED, STACK].flatMap((server) => {
      const ours = server === row.server ? undefined : reference(server, row.scenario);
      return [
        ratio(ours?.requestsPerSecond, row.requestsPerSecond),
        ratio(ours?.cpuMicrosPerRequest, row.cpuMicrosPerRequest),
      ];
    });
    return [
      row.server,
      row.scenario,
      fixed(row.requestsPerSecond, 0),
      fixed(row.p50, 1),
      fixed(row.p90, 1),
      fixed(row.p99, 1),
      fixed(row.cpuMicrosPerRequest, 0),
      row.errors === 0 ? '0' : `${row.errors} (${row.errorDetail})`,
      ...ratios,
    ];
  });
}

function escape(cell: string): string {
  return cell.replace(/\|/g, '\\|');
}

/** A Markdown table; the columns from `rightFrom` on are right-aligned. */
export function markdownTable(header: string[], body: string[][], rightFrom = 2): string {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...body.map((row) => escape(row[column] ?? '').length)),
  );
  const pad = (cell: string, column: number) =>
    column >= rightFrom ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0);
  const line = (row: string[]) =>
    `| ${header.map((_, column) => pad(escape(row[column] ?? ''), column)).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (column >= rightFrom ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(header), rule, ...body.map(line)].join('\n');
}
