import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { KafkaEventLog } from '@grantline/lib-event-log';
import { repoRoot, resolveInfra } from '@grantline/lib-infra';
import { startService, waitUntilReady, type ServiceProcess } from '@grantline/lib-stack';
import { tokenRevoked } from '@grantline/lib-testing';

/**
 * How long the audit consumer takes to refill its database by itself (docs/decisions/0023):
 * once after a restore from an older backup that lacks the newer half of the events, once after
 * the database was emptied. One audit consumer against the servers of KAFKA_BROKERS, REDIS_URL
 * and MONGODB_URL (or local ones it starts); each time is from the restore to the last event
 * back, detection included.
 *   npm run build && node test/bench/dist/audit-refill.js     AUDIT_BENCH_EVENTS=20000
 */
const COLLECTIONS = ['audit_positions', 'audit_events'] as const;
const APPEND_BATCH = 500;
const TIMEOUT_MS = 300_000;

const print = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const total = Number(process.env.AUDIT_BENCH_EVENTS ?? '20000');
  if (!Number.isInteger(total) || total < 2) throw new Error('AUDIT_BENCH_EVENTS must be an integer of 2 or more');
  const infra = await resolveInfra({ log: (line) => process.stderr.write(`[audit-refill] ${line}\n`) });
  const run = `baudit${Date.now().toString(36)}`;
  const workDir = mkdtempSync(join(tmpdir(), 'grantline-audit-bench-'));
  const log = new KafkaEventLog({
    brokers: infra.urls.kafkaBrokers.split(','),
    clientId: 'audit-refill-bench',
    topicPrefix: `${run}.`,
    appendTimeoutMs: 10_000,
  });
  const mongo = new MongoClient(infra.urls.mongodbUrl);
  let audit: ServiceProcess | undefined;
  try {
    await Promise.all([log.ensureTopics(1), mongo.connect()]);
    audit = await startService({
      root: repoRoot(),
      service: 'audit',
      replica: 0,
      logDir: workDir,
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: infra.urls.kafkaBrokers,
        MONGODB_URL: infra.urls.mongodbUrl,
        GRANTLINE_KAFKA_TOPIC_PREFIX: `${run}.`,
        GRANTLINE_CONSUMER_GROUP_PREFIX: `${run}.`,
        GRANTLINE_MONGODB_DATABASE: run,
      },
    });
    await waitUntilReady(audit, '/readyz', 60_000);
    const entries = mongo.db(run).collection('audit_events');
    const stored = (count: number) => waitForCount(() => entries.estimatedDocumentCount(), count);
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const events = Array.from({ length: total }, (_, index) => tokenRevoked(`${run}-${index}`, expiresAt));
    const half = Math.floor(total / 2);
    await appendAll(log, events.slice(0, half));
    const first = await stored(half);
    print(`first fill, for comparison: ${half} events stored ${first.toFixed(2)} s after their append`);
    await copy(mongo, run, `${run}b`, COLLECTIONS);
    await appendAll(log, events.slice(half));
    await stored(total);

    // A restore writes the positions last, a backup copied them first: neither is ahead of its entries.
    await copy(mongo, `${run}b`, run, [...COLLECTIONS].reverse());
    const restored = await stored(total);
    print(`restore from an older backup: ${total - half} of ${total} events back in ${restored.toFixed(2)} s`);

    // Entries first, positions last, as for a restore: a refill started between the two would be wiped again.
    for (const name of [...COLLECTIONS].reverse()) await mongo.db(run).collection(name).deleteMany({});
    const emptied = await stored(total);
    print(`emptied database: ${total} events back in ${emptied.toFixed(2)} s`);
    // What the consumer itself says: from noticing to caught up, and how many events it stored again.
    await sleep(1_000);
    for (const line of (await readFile(audit.logFile, 'utf8')).split('\n')) {
      if (line.includes('audit store')) print(`  consumer: ${line}`);
    }
  } finally {
    await audit?.stop('SIGTERM');
    await Promise.all([mongo.db(run).dropDatabase(), mongo.db(`${run}b`).dropDatabase()]).catch(() => undefined);
    await Promise.all([log.close(), mongo.close()]);
    rmSync(workDir, { recursive: true, force: true });
    await infra.release();
  }
}

async function appendAll(log: KafkaEventLog, events: ReturnType<typeof tokenRevoked>[]): Promise<void> {
  for (let start = 0; start < events.length; start += APPEND_BATCH) {
    await log.append(events.slice(start, start + APPEND_BATCH));
  }
}

/** Copies collections one after the other, as a dump or a restore does. */
async function copy(mongo: MongoClient, from: string, to: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const documents = await mongo.db(from).collection(name).find({}).toArray();
    const target = mongo.db(to).collection(name);
    await target.deleteMany({});
    if (documents.length > 0) await target.insertMany(documents);
  }
}

/** Seconds until the count reaches `count`. */
async function waitForCount(read: () => Promise<number>, count: number): Promise<number> {
  const started = performance.now();
  while ((await read()) < count) {
    if (performance.now() - started > TIMEOUT_MS) throw new Error(`fewer than ${count} entries after ${TIMEOUT_MS} ms`);
    await sleep(250);
  }
  return (performance.now() - started) / 1000;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
