import { resolveInfra, type ResolvedInfra } from '@grantline/lib-infra';
import type { KafkaClientAdapter, KafkaClientCandidate } from './kafka-clients/adapter';
import { confluentClient } from './kafka-clients/confluent-client';
import { measureConsume, measureProduce, type Measurement } from './kafka-clients/driver';
import { kafkaClientsDir } from './kafka-clients/install';
import { kafkajsClient } from './kafka-clients/kafkajs-client';
import { platformaticClient } from './kafka-clients/platformatic-client';
import { printTable, type Row } from './kafka-clients/report';
import { RecordPool } from './kafka-clients/events';
import { BenchTopics, PARTITIONS } from './kafka-clients/topics';
import { affinityOf, pin as pinToList } from './process-cpu';
import { pidListeningOn, pin } from './process-cpu';

/**
 * The Kafka client alone on the event path: kafkajs (what libs/event-log uses),
 * @platformatic/kafka 2.x and @confluentinc/kafka-javascript 1.x, with the same guarantees
 * (idempotent producer, acks -1, one request in flight). Scenario A appends token events from
 * concurrent appenders through a group-commit queue; scenario B reads 50,000 events back from
 * the beginning and parses them. This process runs on CPU 1, the broker on CPU 0. The candidates
 * are installed into .grantline/peers/kafka-clients on first use.
 *   npm run build && node test/bench/dist/kafka-clients.js
 *   KAFKA_BENCH_SECONDS=8  KAFKA_BENCH_APPENDERS=50  KAFKA_BENCH_ROUNDS=2  KAFKA_BENCH_EVENTS=50000
 *   KAFKA_BENCH_ONLY=kafkajs,@platformatic/kafka  KAFKA_BENCH_REINSTALL=1 (retry a failed install)
 */
const CLIENTS: KafkaClientCandidate[] = [kafkajsClient, platformaticClient, confluentClient];

const WARM_UP_SECONDS = 1;
const LOAD_CPU = 1;
const BROKER_CPU = 0;
/** Nothing new starts past this point, so a whole run stays within 3 minutes. */
const BUDGET_MS = 170_000;
/** Distinct events the appenders cycle through (built before measuring). */
const RECORD_POOL_SIZE = 20_000;

const log = (line: string) => process.stderr.write(`[kafka-clients] ${line}\n`);
const print = (line: string) => process.stdout.write(`${line}\n`);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

interface Settings {
  seconds: number;
  appenders: number;
  rounds: number;
  events: number;
  only?: string[];
}

function settingsFromEnv(): Settings {
  const only = process.env.KAFKA_BENCH_ONLY?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const known = CLIENTS.map((client) => client.name);
  const unknown = only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length > 0)
    throw new Error(`KAFKA_BENCH_ONLY: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return {
    seconds: positiveInt('KAFKA_BENCH_SECONDS', 8),
    appenders: positiveInt('KAFKA_BENCH_APPENDERS', 50),
    rounds: positiveInt('KAFKA_BENCH_ROUNDS', 2),
    events: positiveInt('KAFKA_BENCH_EVENTS', 50_000),
    only: only && only.length > 0 ? only : undefined,
  };
}

interface Loaded {
  candidate: KafkaClientCandidate;
  adapter?: KafkaClientAdapter;
  version?: string;
  failure?: string;
}

/** What the run must undo: topics and groups it created, the broker's affinity, infra it started. */
interface CleanUp {
  topics?: BenchTopics;
  groupIds: string[];
  broker?: { pid: number; affinity: string };
  infra?: ResolvedInfra;
}

const cleanUp: CleanUp = { groupIds: [] };
let cleaning: Promise<void> | undefined;

function runCleanUp(): Promise<void> {
  cleaning ??= (async () => {
    await cleanUp.topics
      ?.deleteAll(cleanUp.groupIds)
      .catch((error: unknown) => log(`deleting topics: ${messageOf(error)}`));
    if (cleanUp.broker) {
      try {
        pinToList(cleanUp.broker.pid, cleanUp.broker.affinity);
      } catch (error) {
        log(`restoring the broker's CPUs: ${messageOf(error)}`);
      }
    }
    await cleanUp.infra?.release().catch((error: unknown) => log(`releasing infra: ${messageOf(error)}`));
  })();
  return cleaning;
}

async function measure(
  what: string,
  run: () => Promise<Measurement>,
): Promise<{ measurement?: Measurement; failure?: string }> {
  try {
    const measurement = await run();
    log(`${what}: ${measurement.eventsPerSecond.toFixed(0)} events/s, ${measurement.note}`);
    return { measurement };
  } catch (error) {
    log(`${what}: failed: ${messageOf(error)}`);
    return { failure: messageOf(error) };
  }
}

async function main(): Promise<void> {
  const runStarted = Date.now();
  const settings = settingsFromEnv();
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void runCleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const rows: Row[] = [];
  const loaded: Loaded[] = [];
  let brokerPid: number | undefined;
  let infraSource = '';
  let valueBytes = Number.NaN;
  try {
    const infra = await resolveInfra({ log });
    cleanUp.infra = infra;
    infraSource = infra.source;
    const brokers = infra.urls.kafkaBrokers.split(',').map((broker) => broker.trim());
    brokerPid = pidListeningOn(Number(brokers[0]?.split(':').pop()));
    if (brokerPid === undefined) log(`no local process listens on ${brokers[0] ?? '?'}: broker CPU is not measured`);

    for (const candidate of CLIENTS.filter((client) => settings.only?.includes(client.name) ?? true)) {
      const started = Date.now();
      try {
        const { adapter, version } = await candidate.load(brokers);
        log(`${candidate.name} ${version} loaded (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        loaded.push({ candidate, adapter, version });
      } catch (error) {
        log(`${candidate.name}: cannot be used: ${messageOf(error)}`);
        loaded.push({ candidate, failure: messageOf(error) });
      }
    }

    const prefix = `kcbench-${Date.now().toString(36)}`;
    const produceTopic = `${prefix}.produce`;
    const consumeTopic = `${prefix}.consume`;
    cleanUp.topics = new BenchTopics(brokers);
    await cleanUp.topics.create([produceTopic, consumeTopic]);
    const filling = Date.now();
    await cleanUp.topics.fill(consumeTopic, settings.events);
    log(`${consumeTopic}: ${settings.events} events written (${((Date.now() - filling) / 1000).toFixed(1)} s)`);

    const records = new RecordPool(RECORD_POOL_SIZE);
    valueBytes = records.averageValueBytes();
    pin(process.pid, LOAD_CPU);
    if (brokerPid !== undefined) {
      cleanUp.broker = { pid: brokerPid, affinity: affinityOf(brokerPid) };
      pin(brokerPid, BROKER_CPU);
    }

    for (let round = 1; round <= settings.rounds; round += 1) {
      for (const client of loaded) {
        const name = client.candidate.name;
        if (!client.adapter) {
          if (round === 1) {
            rows.push({ client: name, round, scenario: 'A produce', failure: client.failure });
            rows.push({ client: name, round, scenario: 'B consume', failure: client.failure });
          }
          continue;
        }
        if (Date.now() - runStarted > BUDGET_MS) {
          rows.push({ client: name, round, scenario: 'A produce', failure: 'skipped: time budget spent' });
          rows.push({ client: name, round, scenario: 'B consume', failure: 'skipped: time budget spent' });
          continue;
        }
        const adapter = client.adapter;
        const produce = await measure(`${name} round ${round} produce`, () =>
          measureProduce(adapter, produceTopic, {
            appenders: settings.appenders,
            seconds: settings.seconds,
            warmUpSeconds: WARM_UP_SECONDS,
            brokerPid,
            records,
          }),
        );
        rows.push({ client: name, round, scenario: 'A produce', ...produce });
        const groupId = `${prefix}.${name.replace(/[^a-z0-9]+/gi, '-')}.${round}`;
        cleanUp.groupIds.push(groupId);
        const consume = await measure(`${name} round ${round} consume`, () =>
          measureConsume(adapter, consumeTopic, { groupId, expected: settings.events, brokerPid, timeoutMs: 30_000 }),
        );
        rows.push({ client: name, round, scenario: 'B consume', ...consume });
      }
    }
  } finally {
    await runCleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  print('');
  print(
    `Kafka clients on the event path (Node ${process.version}; infra: ${infraSource}; broker pid ${brokerPid ?? '?'} on CPU ${BROKER_CPU}, ` +
      `this process on CPU ${LOAD_CPU}; topics of ${PARTITIONS} partitions, replication factor 1).`,
  );
  print(
    `A produce: ${settings.appenders} appenders, each appending one ${valueBytes.toFixed(0)}-byte JSON event ` +
      `(key = aggregate id, traceparent header; taken in turn from ${RECORD_POOL_SIZE} built beforehand) ` +
      `and awaiting its ack, through a group-commit queue (one send in flight); ${WARM_UP_SECONDS} s warm-up, then ${settings.seconds} s measured. ` +
      'p50/p99 = enqueue to ack.',
  );
  print(
    `B consume: a fresh consumer group reads ${settings.events} events from the beginning and JSON-parses each; ` +
      'the window (events/s and CPU) runs from the consume call, connect and group join included, to the last event.',
  );
  print(
    'CPU µs/event: user+system of this process (process.cpuUsage) and of the broker process (/proc/<pid>/stat) over the window ÷ events.',
  );
  print('');
  printTable(rows, print);
  print('');
  print('Versions and settings:');
  for (const client of loaded) {
    if (client.adapter) {
      print(
        `  ${client.candidate.name} ${client.version ?? '?'}: producer ${client.adapter.producerSettings}; consumer ${client.adapter.consumeApi}`,
      );
    } else {
      print(`  ${client.candidate.name}: not measured:`);
      for (const line of (client.failure ?? '?').split('\n')) print(`      ${line}`);
    }
  }
  print(`  candidates installed in ${kafkaClientsDir()}`);
  print(`Total wall time: ${((Date.now() - runStarted) / 1000).toFixed(0)} s`);
  if (loaded.find((client) => client.candidate === kafkajsClient)?.adapter === undefined && !settings.only)
    process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kafka-clients bench could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  void runCleanUp().finally(() => {
    process.exitCode = 1;
  });
});
