import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { KafkaEventLog } from '@grantline/lib-event-log';
import { repoRoot } from '@grantline/lib-infra';
import { startService, waitUntilReady, type ServiceProcess } from '@grantline/lib-stack';
import { pollUntil } from '../support/poll-until';
import { infraFromEnv } from './stack-fixture';

const namespace = `taudit${Date.now().toString(36)}`;
const workDir = mkdtempSync(join(tmpdir(), 'grantline-audit-'));
const infra = infraFromEnv();
const running: ServiceProcess[] = [];
const log = new KafkaEventLog({
  brokers: infra.kafkaBrokers.split(','),
  clientId: 'audit-restart-test',
  topicPrefix: `${namespace}.`,
  appendTimeoutMs: 10_000,
});
const mongo = new MongoClient(infra.mongodbUrl);

function issued(index: number, clientId = 'audited'): GrantlineEvent {
  const now = new Date();
  const jti = `${namespace}-${index}`;
  const at = Math.floor(now.getTime() / 1000);
  return stampEvent(
    {
      type: 'AccessTokenIssued',
      aggregate: { type: 'token', id: jti },
      data: {
        jti,
        clientId,
        subject: clientId,
        scope: 'read',
        grantType: 'client_credentials',
        issuedAt: at,
        expiresAt: at + 60,
      },
    },
    { now: () => now },
  );
}

/** The settings of every process this file starts; one keyspace, group prefix and audit database per `database`. */
function settings(database: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    KAFKA_BROKERS: infra.kafkaBrokers,
    REDIS_URL: infra.redisUrl,
    MONGODB_URL: infra.mongodbUrl,
    GRANTLINE_KAFKA_TOPIC_PREFIX: `${namespace}.`,
    GRANTLINE_CONSUMER_GROUP_PREFIX: `${database}.`,
    GRANTLINE_REDIS_PREFIX: `${database}:`,
    GRANTLINE_MONGODB_DATABASE: database,
  };
}

/** Starts a replica of `service` (the audit consumer, or the projector that `verify` also reads) for `database`. */
async function startConsumer(database = namespace, service = 'audit'): Promise<ServiceProcess> {
  const started = await startService({
    root: repoRoot(),
    service,
    replica: running.length,
    logDir: workDir,
    env: settings(database),
  });
  running.push(started);
  await waitUntilReady(started, '/readyz', 60_000);
  return started;
}

async function auditedIds(database = namespace, clientId = 'audited'): Promise<string[]> {
  const entries = await mongo.db(database).collection('audit_events').find({ clientId }).toArray();
  return entries.map((entry) => String(entry.eventId));
}

function waitFor(predicate: (ids: string[]) => boolean, timeoutMs: number, database = namespace): Promise<string[]> {
  return pollUntil(
    () => auditedIds(database, database === namespace ? 'audited' : 'restored'),
    predicate,
    timeoutMs,
    100,
  );
}

beforeAll(async () => {
  await log.ensureTopics(1);
  await mongo.connect();
});

afterAll(async () => {
  await Promise.all(running.map((service) => service.stop('SIGKILL')));
  await log.close();
  await mongo.close();
  rmSync(workDir, { recursive: true, force: true });
});

it('ends with every event in MongoDB exactly once after the consumer is killed mid-stream', async () => {
  const events = Array.from({ length: 400 }, (_, index) => issued(index));
  const first = await startConsumer();
  for (let batch = 0; batch < 4; batch += 1) await log.append(events.slice(batch * 50, batch * 50 + 50));

  const partial = await waitFor((ids) => ids.length > 0, 30_000);
  expect(partial.length).toBeGreaterThan(0);
  // Kill without a chance to commit offsets: the restart must redeliver, and the store dedupe.
  await first.stop('SIGKILL');
  const beforeRestart = (await auditedIds()).length;
  for (let batch = 4; batch < 8; batch += 1) await log.append(events.slice(batch * 50, batch * 50 + 50));

  await startConsumer();
  const ids = await waitFor((current) => current.length >= events.length, 60_000);
  expect(beforeRestart).toBeLessThan(events.length);
  expect(ids.length).toBe(events.length);
  expect(new Set(ids).size).toBe(events.length);
  expect(new Set(ids)).toEqual(new Set(events.map((event) => event.eventId)));
});

/**
 * What a backup or restore tool does, one collection after the other. A backup copies the
 * positions first, so no copied position is ahead of its entries; a restore writes them last, so
 * no restored position is ahead of the entries either (docs/decisions/0023).
 */
async function copyAudit(from: string, to: string, collections: readonly string[]): Promise<void> {
  for (const name of collections) {
    const documents = await mongo.db(from).collection(name).find({}).toArray();
    const target = mongo.db(to).collection(name);
    await target.deleteMany({});
    if (documents.length > 0) await target.insertMany(documents);
  }
}

interface AuditReport {
  events: number;
  audited: number;
  missing: number;
  matches: boolean;
}

/** What `grantline projections verify` says of the audit database; a report with differences (exit 1) is read too. */
function verifyAudit(database: string): Promise<AuditReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(repoRoot(), 'libs/cli/dist/main.js'), 'projections', 'verify'],
      { env: settings(database), timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && error.code !== 1) return reject(new Error(`projections verify failed: ${stderr}`));
        try {
          resolve((JSON.parse(stdout) as { audit: AuditReport }).audit);
        } catch {
          reject(new Error(`projections verify printed no report: ${stderr}`));
        }
      },
    );
  });
}

it('refills an audit database restored from an older backup, and one dropped, without a restart, until verify finds nothing missing', async () => {
  const database = `${namespace}r`;
  const backup = `${namespace}b`;
  const events = Array.from({ length: 600 }, (_, index) => issued(index, 'restored'));
  const audit = await startConsumer(database);
  await startConsumer(database, 'projector');
  await log.append(events.slice(0, 200));
  expect((await waitFor((ids) => ids.length >= 200, 30_000, database)).length).toBe(200);
  await copyAudit(database, backup, ['audit_positions', 'audit_events']);
  for (let batch = 1; batch < 6; batch += 1) await log.append(events.slice(batch * 100, batch * 100 + 100));
  expect((await waitFor((ids) => ids.length >= events.length, 30_000, database)).length).toBe(events.length);

  await copyAudit(backup, database, ['audit_events', 'audit_positions']);
  const restoredAt = Date.now();
  expect((await auditedIds(database, 'restored')).length).toBeLessThan(events.length);

  const ids = await waitFor((current) => current.length >= events.length, 30_000, database);
  const seconds = (Date.now() - restoredAt) / 1000;
  expect(new Set(ids)).toEqual(new Set(events.map((event) => event.eventId)));
  expect(audit.child.exitCode).toBeNull();
  const refilled = await pollUntil(
    async () =>
      (await readFile(audit.logFile, 'utf8')).split('\n').filter((line) => line.includes('audit store refilled')),
    (lines) => lines.length > 0,
    10_000,
    100,
  );
  expect(refilled).toHaveLength(1);
  expect(JSON.parse(refilled[0] ?? '{}')).toMatchObject({ reason: expect.stringMatching(/^(behind|gone)$/) });
  const report = await verifyAudit(database);
  expect(report).toMatchObject({ missing: 0, matches: true });
  process.stdout.write(`audit refill after a restore: ${events.length - 200} events back in ${seconds.toFixed(2)} s\n`);

  // Dropped altogether: refilled from the start of the log, with its unique index made again first.
  await mongo.db(database).dropDatabase();
  await log.append([issued(events.length, 'restored')]);
  const all = await waitFor((current) => current.length > events.length, 30_000, database);
  expect(all).toHaveLength(events.length + 1);
  expect(new Set(all).size).toBe(events.length + 1);
  const indexes = await mongo.db(database).collection('audit_events').indexes();
  expect(indexes).toContainEqual(expect.objectContaining({ name: 'event_id_unique', unique: true }));
  expect(await verifyAudit(database)).toMatchObject({ missing: 0, matches: true });
  expect(audit.child.exitCode).toBeNull();
  await Promise.all([mongo.db(backup).dropDatabase(), mongo.db(database).dropDatabase()]);
}, 150_000);
