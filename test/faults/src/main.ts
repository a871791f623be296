import { type Answer } from './answers';
import { startFaultEnvironment, type FaultEnvironment } from './fault-environment';
import { addRefreshChains, registerLoadClients, renewDevices } from './fixtures';
import { emptyPools } from './load-pools';
import { readLogFacts } from './log-facts';
import { figuresOf, invariantsHold, recoverySeconds, type LogFacts, type ScenarioWindow } from './oracles';
import { failureSummary, figuresTable } from './report';
import { scenarios, type Scenario } from './scenarios';
import { SteadyLoad } from './steady-load';

/**
 * `npm run faults`: a stack of its own on private Kafka, Redis and FerretDB, under a steady mixed
 * load through the edge, through each fault of scenarios.ts in turn; prints a table of figures per
 * fault and exits 1 when any invariant is broken (docs/decisions/0033-fault-suite.md).
 *
 * FAULTS_ONLY=<words>  runs the scenarios whose names contain one of the comma-separated words
 * FAULTS_RATE=<n>      requests per second of the load (default 100)
 */
const RATE = positiveNumber('FAULTS_RATE', 100);
const WARM_UP_MS = 5_000;
/** Load after the first clean second, so a late failure would still show. */
const AFTER_RECOVERY_MS = 5_000;
/** The longest a scenario waits for recovery after its heal. */
const SETTLE_LIMIT_MS = 60_000;
const REFRESH_CHAINS = 24;
const DEVICES = 10;
/** How long the audit store gets to catch up with the log at the end. */
const AUDIT_CATCH_UP_MS = 60_000;

const log = (line: string) => process.stderr.write(`[faults] ${line}\n`);

interface ScenarioRun {
  scenario: Scenario;
  answers: Answer[];
  window: ScenarioWindow;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!(value > 0 && value <= 500)) throw new Error(`${name} must be a number from 1 to 500, got "${raw}"`);
  return value;
}

function selected(): readonly Scenario[] {
  const words = (process.env.FAULTS_ONLY ?? '')
    .split(',')
    .map((word) => word.trim().toLowerCase())
    .filter((word) => word !== '');
  if (words.length === 0) return scenarios;
  const chosen = scenarios.filter((scenario) => words.some((word) => scenario.name.toLowerCase().includes(word)));
  if (chosen.length === 0)
    throw new Error(`FAULTS_ONLY matches no scenario; they are: ${scenarios.map((s) => s.name).join('; ')}`);
  return chosen;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a setup step for a while: the previous scenario's fault may still be healing. */
async function retrying<T>(what: string, step: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await step();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${String(error)}`);
      await sleep(1_000);
    }
  }
}

async function runScenario(env: FaultEnvironment, scenario: Scenario, load: SteadyLoad): Promise<ScenarioWindow> {
  const start = Date.now();
  load.start();
  await scenario.prepare?.(env);
  await sleep(Math.max(0, start + WARM_UP_MS - Date.now()));
  log(`${scenario.name}: fault`);
  await scenario.inject(env);
  await sleep(scenario.holdMs);
  await scenario.heal?.(env);
  const healAt = Date.now();
  log(`${scenario.name}: healed after ${healAt - start - WARM_UP_MS} ms`);
  let recoveredAt: number | undefined;
  while (Date.now() < healAt + SETTLE_LIMIT_MS) {
    await sleep(500);
    if (recoveredAt === undefined && recoverySeconds(load.answers, { start, healAt, end: Date.now() }) !== undefined) {
      recoveredAt = Date.now();
    }
    if (recoveredAt !== undefined && Date.now() >= recoveredAt + AFTER_RECOVERY_MS) break;
  }
  await load.stop();
  return { start, healAt, end: Date.now() };
}

/** The log and the audit store once the audit store has every event (or the time to wait is up). */
async function settledFacts(env: FaultEnvironment): Promise<LogFacts> {
  const read = () => readLogFacts({ brokers: env.kafka.brokers, mongodbUrl: env.mongo.url, namespace: env.namespace });
  const deadline = Date.now() + AUDIT_CATCH_UP_MS;
  let facts = await read();
  while (facts.events.some((event) => !facts.audit.has(event.eventId)) && Date.now() < deadline) {
    await sleep(2_000);
    facts = await read();
  }
  return facts;
}

async function main(): Promise<number> {
  const began = Date.now();
  const chosen = selected();
  const env = await startFaultEnvironment({
    replicas: { token: 2, introspection: 2 },
    env: { GRANTLINE_DEVICE_POLL_INTERVAL: '1' },
    log,
  });
  const stopOnSignal = () => {
    void env.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const runs: ScenarioRun[] = [];
  try {
    const url = env.stack.url;
    const clients = await registerLoadClients(url, env.stack.adminToken);
    const pools = emptyPools();
    for (const scenario of chosen) {
      const missing = () => REFRESH_CHAINS - pools.chains.filter((chain) => !chain.retired).length;
      await retrying('refresh chains', () => addRefreshChains(url, clients, pools, missing()));
      await retrying('device codes', () => renewDevices(url, clients, pools, DEVICES));
      const load = new SteadyLoad(url, clients, pools, RATE, RATE * 120);
      const window = await runScenario(env, scenario, load);
      runs.push({ scenario, answers: load.answers, window });
      log(`${scenario.name}: ${load.answers.length} requests in ${((window.end - window.start) / 1000).toFixed(1)} s`);
      const afterHeal = load.answers.filter((answer) => answer.start >= window.healAt);
      log(`${scenario.name}: failed after the heal: ${failureSummary(afterHeal) || 'none'}`);
    }
    const facts = await settledFacts(env);
    const rows = runs.map(({ scenario, answers, window }) => ({
      name: scenario.name,
      heals: scenario.heals,
      figures: figuresOf(answers, window, facts),
    }));
    const seconds = (Date.now() - began) / 1000;
    process.stdout.write(`${figuresTable(rows)}\n\n`);
    process.stdout.write(
      `${facts.events.length} events on the log, ${facts.audit.size} audited; load ${RATE} requests/s; ` +
        `whole run ${seconds.toFixed(0)} s\n`,
    );
    const broken = rows.filter((row) => !invariantsHold(row.figures));
    if (broken.length > 0) process.stdout.write(`invariants broken in: ${broken.map((row) => row.name).join('; ')}\n`);
    return broken.length > 0 ? 1 : 0;
  } finally {
    await env.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
