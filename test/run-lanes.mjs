// Runs the test lanes (the projects in jest.config.js) one after another, each as its own jest
// run so each gets its own worker count and wall time, and prints those times at the end.
//
//   node test/run-lanes.mjs [lane ...] [jest arguments ...]
//
// With no lane named, every lane runs. Jest arguments reach every lane's run; `--json
// --outputFile=<file>` writes one report for all lanes, with each lane's time under `lanes`.
// The lanes with servers share one set of Kafka, Redis and FerretDB, resolved here once (the
// services spawned by the stack lane are the built ones: run `npm run build` first).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const lanes = require('../jest.config.js').projects.map((project) => project.displayName);

/**
 * Workers per lane on a small machine. Unit files are CPU-bound; the server lanes mostly wait
 * on their servers, so two files overlap well; the image build in the deploy lane takes a core
 * on its own, the fault suite the whole machine.
 */
const WORKERS = { unit: 2, component: 2, stack: 2, deploy: 1, faults: 1 };
/** Lanes that need no shared servers: the unit tests, and the fault suite, which starts its own. */
const WITHOUT_SERVERS = new Set(['unit', 'faults']);

const args = process.argv.slice(2);
// Lane names come first; whatever follows is jest's, even a word that happens to name a lane.
const laneCount = args.findIndex((arg) => !lanes.includes(arg));
const chosen = laneCount === -1 ? args : args.slice(0, laneCount);
const jestArgs = laneCount === -1 ? [] : args.slice(laneCount);
const selected = chosen.length > 0 ? lanes.filter((lane) => chosen.includes(lane)) : lanes;

const report = takeReportOptions(jestArgs);
const setsWorkers = jestArgs.some((arg) => /^(--maxWorkers|-w|--runInBand|-i)(=|$)/.test(arg));
// A path pattern may match files in one lane only; the other lanes then have none to run.
const narrowed = jestArgs.some((arg) => !arg.startsWith('-'));

const scratch = mkdtempSync(join(tmpdir(), 'grantline-lanes-'));
const infra = selected.some((lane) => !WITHOUT_SERVERS.has(lane)) ? await serversForTests() : undefined;

let stopping = false;
let running;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopping = true;
    running?.kill(signal);
  });
}

const results = [];
try {
  for (const lane of selected) {
    if (stopping) break;
    results.push(await runLane(lane));
  }
} finally {
  await infra?.release();
}

const merged = mergeReports(results);
if (report.outputFile) writeFileSync(report.outputFile, JSON.stringify(merged));
else if (report.json) process.stdout.write(`${JSON.stringify(merged)}\n`);
rmSync(scratch, { recursive: true, force: true });
process.stderr.write(laneTable(results));
process.exitCode = results.length === selected.length && results.every((result) => result.exitCode === 0) ? 0 : 1;

/** Removes `--json` and `--outputFile` from the arguments: each lane's run gets its own file. */
function takeReportOptions(list) {
  const found = { json: false, outputFile: undefined };
  for (let index = list.length - 1; index >= 0; index -= 1) {
    const arg = list[index];
    if (arg === '--json') {
      found.json = true;
      list.splice(index, 1);
    } else if (arg.startsWith('--outputFile=')) {
      found.outputFile = arg.slice('--outputFile='.length);
      list.splice(index, 1);
    } else if (arg === '--outputFile' && index + 1 < list.length) {
      found.outputFile = list[index + 1];
      list.splice(index, 2);
    }
  }
  return found;
}

/** The servers the jest global setup would resolve, resolved once for every lane's run. */
async function serversForTests() {
  if (process.env.KAFKA_BROKERS && process.env.REDIS_URL && process.env.MONGODB_URL) return undefined;
  const { resolveInfra } = require(join(root, 'libs/infra/dist/index.js'));
  const resolved = await resolveInfra({ log: (line) => process.stderr.write(`[infra] ${line}\n`) }).catch((error) => {
    process.stderr.write(
      `No Kafka, Redis and MongoDB-compatible server for the tests: ${error?.message ?? error}\n` +
        'See "Infrastructure" in README.md for the servers the tests use and how to give them your own.\n',
    );
    process.exit(1);
  });
  process.env.KAFKA_BROKERS = resolved.urls.kafkaBrokers;
  process.env.REDIS_URL = resolved.urls.redisUrl;
  process.env.MONGODB_URL = resolved.urls.mongodbUrl;
  return resolved;
}

function runLane(lane) {
  const outputFile = join(scratch, `${lane}.json`);
  const laneArgs = [
    ...jestArgs,
    ...(setsWorkers ? [] : [`--maxWorkers=${WORKERS[lane] ?? 1}`]),
    ...(narrowed ? ['--passWithNoTests'] : []),
    '--json',
    `--outputFile=${outputFile}`,
    '--selectProjects',
    lane,
  ];
  process.stderr.write(`\n==> ${lane} lane\n`);
  const started = process.hrtime.bigint();
  return new Promise((settle) => {
    running = spawn(process.execPath, [require.resolve('jest/bin/jest'), ...laneArgs], {
      cwd: root,
      stdio: 'inherit',
    });
    running.once('exit', (code, signal) => {
      running = undefined;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      settle({ lane, seconds, exitCode: code ?? (signal ? 1 : 0), report: readReport(outputFile) });
    });
  });
}

function readReport(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** One jest report for all lanes: counts summed, file results in lane order, each lane's time. */
function mergeReports(list) {
  const reports = list.map((result) => result.report).filter((one) => one !== undefined);
  const merged = { ...reports[0], success: list.every((result) => result.exitCode === 0), testResults: [] };
  for (const key of Object.keys(merged).filter((name) => name.startsWith('num'))) {
    merged[key] = reports.reduce((sum, one) => sum + (one[key] ?? 0), 0);
  }
  if (reports.length > 0) merged.startTime = Math.min(...reports.map((one) => one.startTime));
  merged.testResults = reports.flatMap((one) => one.testResults ?? []);
  merged.wasInterrupted = reports.some((one) => one.wasInterrupted);
  merged.lanes = list.map(({ lane, seconds, exitCode, report: one }) => ({
    name: lane,
    seconds: Math.round(seconds * 10) / 10,
    passed: exitCode === 0,
    files: one?.numTotalTestSuites ?? 0,
    tests: one?.numTotalTests ?? 0,
    failedTests: one?.numFailedTests ?? 0,
  }));
  return merged;
}

function laneTable(list) {
  const rows = mergeReports(list).lanes.map(
    (lane) =>
      `${lane.name.padEnd(10)} ${String(lane.files).padStart(5)} ${String(lane.tests).padStart(6)} ` +
      `${String(lane.failedTests).padStart(6)}  ${formatSeconds(lane.seconds).padStart(8)}${lane.passed ? '' : '  FAILED'}`,
  );
  const total = list.reduce((sum, result) => sum + result.seconds, 0);
  return [
    '',
    'lane       files  tests failed      wall',
    ...rows,
    `${'all lanes'.padEnd(31)}  ${formatSeconds(total).padStart(8)}`,
    '',
  ].join('\n');
}

function formatSeconds(seconds) {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
}
