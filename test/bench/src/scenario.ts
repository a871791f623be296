import autocannon from 'autocannon';

export interface ScenarioResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Answers with a 2xx status. */
  succeeded: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function runScenario(
  name: string,
  options: { url: string; headers: Record<string, string>; body: string; seconds: number; connections: number },
): Promise<ScenarioResult> {
  // autocannon's own histogram has no p95, so every response time is kept and ranked here.
  const latencies: number[] = [];
  return new Promise((resolvePromise, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        headers: options.headers,
        body: options.body,
        connections: options.connections,
        duration: options.seconds,
        timeout: 10,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        latencies.sort((a, b) => a - b);
        resolvePromise({
          name,
          requestsPerSecond: result.requests.average,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          non2xx: result.non2xx,
          errors: result.errors,
          succeeded: result['2xx'],
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

export function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

export function printTable(results: ScenarioResult[]): void {
  printRows(
    ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'non-2xx', 'errors'],
    results.map((r) => [
      r.name,
      r.requestsPerSecond.toFixed(1),
      ms(r.p50),
      ms(r.p95),
      ms(r.p99),
      String(r.non2xx),
      String(r.errors),
    ]),
  );
}

/** Prints aligned columns: the first left-aligned, the others right-aligned. */
export function printRows(header: string[], rows: string[][]): void {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
