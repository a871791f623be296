import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { ensurePythonTool, repoRoot } from '@grantline/lib-infra';
import { BoundedProcess, loopbackEnv } from '../support/bounded-process';
import type { FuzzTarget } from './fuzz-target';

export const SCHEMATHESIS = { pkg: 'schemathesis', version: '4.32.5', command: 'schemathesis' } as const;

/**
 * Checks left out, each because the description cannot carry what it needs:
 * - positive_data_acceptance: a schema-valid request is refused for what only the server knows
 *   (an unknown client, a grant the client may not use, an expired code), as RFC 6749 §5.2 says.
 */
export const EXCLUDED_CHECKS = ['positive_data_acceptance'] as const;

export interface FuzzBounds {
  /** Test cases per operation and phase (schemathesis `--max-examples`). */
  maxExamples: number;
  /** The whole run is killed, and fails, after this long. */
  timeoutSeconds: number;
  /** A seed to repeat a run exactly; a fresh one is drawn and printed otherwise. */
  seed?: string;
  /** Where the JSON and HAR reports are kept; a temporary folder, removed after the run, otherwise. */
  reportDir?: string;
}

export interface FuzzFigures {
  operations: number;
  testCases: number;
  requests: number;
  answersByStatus: Record<string, number>;
  failuresByCheck: Record<string, number>;
  errors: Record<string, number>;
  /** The description's links the stateful phase followed, as schemathesis counts them. */
  links: string;
  seed: string;
  seconds: number;
}

export interface FuzzOutcome {
  passed: boolean;
  figures: FuzzFigures;
  /** What schemathesis printed: its failures, with a curl command for each. */
  output: string;
}

const runReport = z.object({
  running_time: z.number(),
  exit_code: z.number(),
  operations: z.object({ tested: z.number() }),
  test_cases: z.object({ generated: z.number() }),
  failures: z.array(z.object({ code: z.string(), title: z.string(), count: z.number() })),
  errors: z.array(z.object({ title: z.string(), count: z.number() })),
});
const harReport = z.object({
  log: z.object({ entries: z.array(z.object({ response: z.object({ status: z.number() }) })) }),
});

/** This folder, found from the repository root: `npm run fuzz` runs a bundle of these files from elsewhere. */
const fuzzFolder = join(repoRoot(), 'test', 'fuzz');

/** One bounded schemathesis run of every operation of the target's OpenAPI description. */
export async function runSchemathesis(
  target: FuzzTarget,
  bounds: FuzzBounds,
  log: (line: string) => void,
  /** Receives schemathesis's output while it runs (a long run's progress), about once a second. */
  echo?: (text: string) => void,
): Promise<FuzzOutcome> {
  const binary = await ensurePythonTool(SCHEMATHESIS, { log });
  // Drawn here so the figures can print it whole (the JSON report holds it as a float).
  const seed = bounds.seed ?? BigInt(`0x${randomBytes(12).toString('hex')}`).toString();
  const reports = bounds.reportDir ?? mkdtempSync(join(tmpdir(), 'grantline-fuzz-reports-'));
  if (bounds.reportDir) mkdirSync(reports, { recursive: true });
  try {
    const args = [
      '--config-file',
      join(fuzzFolder, 'schemathesis.toml'),
      'run',
      `${target.url}/.well-known/openapi.json`,
      '--max-examples',
      String(bounds.maxExamples),
      '--checks',
      'all',
      '--exclude-checks',
      EXCLUDED_CHECKS.join(','),
      '--report',
      'json,har',
      '--report-dir',
      reports,
      '--no-color',
      '--seed',
      seed,
    ];
    const run = new BoundedProcess('schemathesis', binary, args, {
      cwd: reports,
      env: loopbackEnv({
        PYTHONPATH: fuzzFolder,
        // No __pycache__ beside the hooks in the work tree.
        PYTHONDONTWRITEBYTECODE: '1',
        SCHEMATHESIS_HOOKS: 'grantline_fuzz_hooks',
        GRANTLINE_FUZZ_EVENT_LOG: target.eventLog,
        GRANTLINE_FUZZ_CLIENT_ID: target.confidential.client_id,
        GRANTLINE_FUZZ_CLIENT_SECRET: target.confidential.client_secret,
        GRANTLINE_FUZZ_PUBLIC_CLIENT_ID: target.publicClientId,
        GRANTLINE_FUZZ_BEARER: target.userToken,
      }),
      timeoutMs: bounds.timeoutSeconds * 1000,
    });
    let shown = 0;
    const showProgress = () => {
      echo?.(run.stdout.slice(shown));
      shown = run.stdout.length;
    };
    const progress = echo ? setInterval(showProgress, 1000) : undefined;
    const outcome = await run.exited.finally(() => clearInterval(progress));
    if (echo) showProgress();
    const output = `${outcome.stdout}${outcome.stderr}`;
    if (outcome.timedOut) throw new Error(`schemathesis ran over ${bounds.timeoutSeconds} s\n${output}`);
    let figures: FuzzFigures;
    try {
      figures = figuresOf(reports, seed, outcome.stdout);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${output}`);
    }
    return { passed: outcome.code === 0, figures, output };
  } finally {
    if (!bounds.reportDir) rmSync(reports, { recursive: true, force: true });
  }
}

function reportFile(folder: string, prefix: string): unknown {
  const name = readdirSync(folder).find((file) => file.startsWith(prefix) && file.endsWith('.json'));
  if (name === undefined) throw new Error(`schemathesis wrote no ${prefix} report in ${folder}`);
  return JSON.parse(readFileSync(join(folder, name), 'utf8'));
}

const tally = (pairs: [string, number][]) => {
  const counts: Record<string, number> = {};
  for (const [key, count] of pairs) counts[key] = (counts[key] ?? 0) + count;
  return counts;
};

function figuresOf(folder: string, seed: string, stdout: string): FuzzFigures {
  const run = runReport.parse(reportFile(folder, 'json-'));
  const har = harReport.parse(reportFile(folder, 'har-'));
  return {
    operations: run.operations.tested,
    testCases: run.test_cases.generated,
    requests: har.log.entries.length,
    answersByStatus: tally(har.log.entries.map((entry) => [String(entry.response.status), 1])),
    failuresByCheck: tally(run.failures.map((failure) => [`${failure.code} ${failure.title}`, failure.count])),
    errors: tally(run.errors.map((error) => [error.title, error.count])),
    links: /API Links:\s+(.+)/.exec(stdout)?.[1]?.trim() ?? 'none followed',
    seed,
    seconds: Math.round(run.running_time),
  };
}

/** The figures as the lines a person reads after a run. */
export function describeFigures(figures: FuzzFigures): string {
  const list = (counts: Record<string, number>) =>
    Object.entries(counts).length === 0
      ? 'none'
      : Object.entries(counts)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, count]) => `${key}: ${count}`)
          .join(', ');
  return [
    `fuzz: ${figures.operations} operations, ${figures.testCases} test cases, ${figures.requests} requests in ${figures.seconds} s (seed ${figures.seed})`,
    `fuzz: answers by status: ${list(figures.answersByStatus)}`,
    `fuzz: links: ${figures.links}`,
    `fuzz: failures by check: ${list(figures.failuresByCheck)}`,
    `fuzz: errors: ${list(figures.errors)}`,
  ].join('\n');
}
