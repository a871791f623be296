import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaEventLog, topicName } from '@grantline/lib-event-log';
import { RedisProjectionControl, RedisProjectionStore } from '@grantline/lib-projections';
import type { ServiceProcess } from '@grantline/lib-stack';
import { pollUntil } from '../support/poll-until';
import { startProjectorProcess } from '../support/projector-process';
import { revocationEvent } from '../support/revocation-event';
import { infraFromEnv } from './stack-fixture';
import { deleteTopicsUnder } from '../support/kafka-topics';

// A rebuild waits until every partition reaches the offset the log ended at when it began. Where
// that last record is no event (it went to the dead-letter topic), nothing is ever applied there:
// the projector must count the record as passed, or the projection stays closed on a quiet log.

const namespace = `tdltail${Date.now().toString(36)}`;
const workDir = mkdtempSync(join(tmpdir(), 'grantline-dltail-'));
const infra = infraFromEnv();
const brokers = infra.kafkaBrokers.split(',');
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
const log = new KafkaEventLog({
  brokers,
  clientId: 'dead-letter-tail-test',
  topicPrefix: `${namespace}.`,
  appendTimeoutMs: 10_000,
});
const keys = { url: infra.redisUrl, keyPrefix: `${namespace}:` };
const control = new RedisProjectionControl(keys);
const store = new RedisProjectionStore(keys);
const redis = new Redis(infra.redisUrl, { lazyConnect: true });
let projector: ServiceProcess | undefined;

/** Writes a record that is not JSON at the end of every partition of the tokens topic. */
async function endEveryPartitionUnreadable(): Promise<void> {
  const topic = topicName(`${namespace}.`, 'tokens');
  const admin = kafka.admin();
  await admin.connect();
  // From metadata: a just-created topic may not answer offset requests yet.
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const partitions = (metadata?.partitions ?? []).map(({ partitionId }) => partitionId);
  if (partitions.length === 0) throw new Error(`${topic} has no partitions`);
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: partitions.map((partition) => ({ partition, value: '{' })) });
  await producer.disconnect();
}

const revokedInStore = async (jti: string) => (await store.read({ clientIds: [], jti })).revoked;
const state = async () => (await control.pointer())?.state ?? 'missing';

beforeAll(async () => {
  await log.ensureTopics(1);
  await Promise.all([control.waitUntilReady(5_000), store.waitUntilReady(5_000), redis.connect()]);
});

afterAll(async () => {
  await projector?.stop('SIGKILL');
  await deleteTopicsUnder(kafka, `${namespace}.`);
  for await (const found of redis.scanStream({ match: `${namespace}:*`, count: 500 })) {
    if ((found as string[]).length > 0) await redis.del(...(found as string[]));
  }
  await Promise.all([log.close(), control.close(), store.close(), redis.quit()]);
  rmSync(workDir, { recursive: true, force: true });
});

it('reopens a rebuilt projection whose partitions end in dead-lettered records, at start and after a loss', async () => {
  await log.append([revocationEvent(`${namespace}-a`), revocationEvent(`${namespace}-b`)]);
  await endEveryPartitionUnreadable();

  projector = await startProjectorProcess({
    namespace,
    workDir,
    replica: 0,
    env: { GRANTLINE_PROJECTION_CHECK_INTERVAL_MS: '200' },
  });
  // The first start builds the projection from the log's start: a rebuild like any other.
  expect(await pollUntil(state, (found) => found === 'ready', 30_000, 100)).toBe('ready');
  expect(await revokedInStore(`${namespace}-a`)).toBe(true);

  // The projection is lost; the log is quiet, and still ends in unreadable records.
  const generation = (await control.pointer())?.generation;
  for await (const found of redis.scanStream({ match: `${namespace}:*`, count: 500 })) {
    if ((found as string[]).length > 0) await redis.del(...(found as string[]));
  }
  const reopened = await pollUntil(
    async () => ({ pointer: await control.pointer() }),
    ({ pointer }) => pointer !== null && pointer.generation !== generation && pointer.state === 'ready',
    30_000,
    100,
  );
  expect(reopened.pointer).toEqual(expect.objectContaining({ state: 'ready' }));
  expect(reopened.pointer?.generation).not.toBe(generation);
  expect(await revokedInStore(`${namespace}-b`)).toBe(true);
  expect(await store.isServing()).toBe(true);
}, 90_000);
