// `npm run fuzz`: the fuzz run of the test suite, standalone and as long as asked for.
//
//   FUZZ_MAX_EXAMPLES=200 FUZZ_TIMEOUT_SECONDS=1800 FUZZ_SEED=123 npm run fuzz
//
// FUZZ_REPORT_DIR keeps schemathesis's JSON report and HAR file of every request and answer.
// Prints schemathesis's report as it runs, then the figures; exits non-zero when a check failed.
import { resolve } from 'node:path';
import { startFuzzTarget } from './fuzz-target';
import { describeFigures, runSchemathesis, type FuzzBounds } from './schemathesis-run';

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
}

async function main(): Promise<void> {
  const bounds: FuzzBounds = {
    maxExamples: positive('FUZZ_MAX_EXAMPLES', 100),
    timeoutSeconds: positive('FUZZ_TIMEOUT_SECONDS', 900),
    ...(process.env.FUZZ_SEED ? { seed: process.env.FUZZ_SEED } : {}),
    ...(process.env.FUZZ_REPORT_DIR ? { reportDir: resolve(process.env.FUZZ_REPORT_DIR) } : {}),
  };
  const target = await startFuzzTarget();
  try {
    const outcome = await runSchemathesis(
      target,
      bounds,
      (line) => process.stderr.write(`${line}\n`),
      (text) => process.stdout.write(text),
    );
    process.stdout.write(`${describeFigures(outcome.figures)}\n`);
    process.exitCode = outcome.passed ? 0 : 1;
  } finally {
    await target.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
