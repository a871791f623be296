import type { Answer } from './answers';
import { invariantsHold, type ScenarioFigures } from './oracles';

export interface ScenarioRow {
  name: string;
  heals: string;
  figures: ScenarioFigures;
}

const HEADERS = [
  'scenario',
  'requests',
  'answers by status',
  'failed',
  'no event',
  'revoked active',
  'refused yet recorded',
  'lost',
  'twice',
  'recover s',
];

function statuses(byStatus: ReadonlyMap<number, number>): string {
  return [...byStatus.entries()]
    .sort(([left], [right]) => left - right)
    .map(([status, count]) => `${status === 0 ? 'none' : status}:${count}`)
    .join(' ');
}

function cells(row: ScenarioRow): string[] {
  const { figures } = row;
  return [
    `${invariantsHold(figures) ? '' : '! '}${row.name}`,
    String(figures.requests),
    statuses(figures.byStatus),
    String(figures.failed),
    String(figures.withoutEvent),
    String(figures.revokedActive),
    String(figures.refusedYetRecorded),
    String(figures.lost),
    String(figures.twice),
    figures.recoverySeconds === undefined ? 'never' : String(figures.recoverySeconds),
  ];
}

/** The figures as an aligned text table, a row per scenario; a row breaking an invariant starts with `!`. */
export function figuresTable(rows: readonly ScenarioRow[]): string {
  const table = [HEADERS, ...rows.map(cells)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((line) => (line[column] ?? '').length)));
  const format = (line: string[]) =>
    line
      .map((cell, column) =>
        column === 0 || column === 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const notes = rows.map((row) => `  ${row.name}: healed by ${row.heals}`);
  return [format(HEADERS), ...rows.map((row) => format(cells(row))), '', 'heals:', ...notes].join('\n');
}

/** The answers that failed, grouped: `refresh 503 temporarily_unavailable x12`, most frequent first. */
export function failureSummary(answers: readonly Answer[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers.filter((one) => !one.ok)) {
    const detail = answer.active === undefined ? (answer.error ?? '') : `active:${answer.active}`;
    const key = `${answer.kind} ${answer.status} ${detail.slice(0, 80)}`.trimEnd();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([, left], [, right]) => right - left)
    .map(([key, count]) => `${key} x${count}`)
    .join('; ');
}
