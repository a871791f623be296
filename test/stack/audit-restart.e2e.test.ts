import { mkdtempSync, rmSync } from 'node:fs';
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

function issued(index: number): GrantlineEvent {
  const now = new Date();
  const jti = `${namespace}-${index}`;
  const at = Math.floor(now.getTime() / 1000);
  return stampEvent(
    {
      type: 'AccessTokenIssued',
      aggregate: { type: 'token', id: jti },
      data: {
        jti,
        clientId: 'audited',
        subject: 'audited',
        scope: 'read',
        grantType: 'client_credentials',
        issuedAt: at,
        expiresAt: at + 60,
      },
    },
    { now: () => now },
  );
}

async function startAudit(): Promise<ServiceProcess> {
  const audit = await startService({
    root: repoRoot(),
    service: 'audit',
    replica: running.length,
    logDir: workDir,
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: infra.kafkaBrokers,
      MONGODB_URL: infra.mongodbUrl,
      GRANTLINE_KAFKA_TOPIC_PREFIX: `${namespace}.`,
      GRANTLINE_CONSUMER_GROUP_PREFIX: `${namespace}.`,
      GRANTLINE_MONGODB_DATABASE: namespace,
    },
  });
  running.push(audit);
  await waitUntilReady(audit, '/readyz', 60_000);
  return audit;
}

async function auditedIds(): Promise<string[]> {
  const entries = await mongo.db(namespace).collection('audit_events').find({ clientId: 'audited' }).toArray();
  return entries.map((entry) => String(entry.eventId));
}

function waitFor(predicate: (ids: string[]) => boolean, timeoutMs: number): Promise<string[]> {
  return pollUntil(auditedIds, predicate, timeoutMs, 100);
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
  const first = await startAudit();
  for (let batch = 0; batch < 4; batch += 1) await log.append(events.slice(batch * 50, batch * 50 + 50));

  const partial = await waitFor((ids) => ids.length > 0, 30_000);
  expect(partial.length).toBeGreaterThan(0);
  // Kill without a chance to commit offsets: the restart must redeliver, and the store dedupe.
  await first.stop('SIGKILL');
  const beforeRestart = (await auditedIds()).length;
  for (let batch = 4; batch < 8; batch += 1) await log.append(events.slice(batch * 50, batch * 50 + 50));

  await startAudit();
  const ids = await waitFor((current) => current.length >= events.length, 60_000);
  expect(beforeRestart).toBeLessThan(events.length);
  expect(ids.length).toBe(events.length);
  expect(new Set(ids).size).toBe(events.length);
  expect(new Set(ids)).toEqual(new Set(events.map((event) => event.eventId)));
});
