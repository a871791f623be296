import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import type { GrantlineEvent } from '@grantline/lib-events';
import { sampleEvents } from '@grantline/lib-events/testing';
import {
  deadLetterHeaderNames,
  deadLetterTopicName,
  KafkaEventLog,
  topicName,
  type DeadLetterNote,
} from '@grantline/lib-event-log';
import { createLogger } from '@grantline/lib-http';
import { MongoAuditStore } from '@grantline/lib-projections';
import { noMetrics, propagationOnly } from '@grantline/lib-telemetry';
import { infraFromEnv } from '../stack/stack-fixture';
import { startAuditConsumer, type AuditConsumer } from '@grantline/svc-audit';
import { deleteTopicsUnder } from '../support/kafka-topics';

const run = `tdead${Date.now().toString(36)}`;
const prefix = `${run}.`;
const infra = infraFromEnv();
const brokers = infra.kafkaBrokers.split(',');
const kafka = new Kafka({ clientId: 'dead-letter-test', brokers, logLevel: logLevel.NOTHING });
const notes: DeadLetterNote[] = [];
const log = new KafkaEventLog({
  brokers,
  clientId: 'dead-letter-test',
  topicPrefix: prefix,
  appendTimeoutMs: 10_000,
  onDeadLettered: (note) => notes.push(note),
});
let audit: MongoAuditStore;
let consumer: AuditConsumer | undefined;

const [template] = sampleEvents({ now: () => new Date() }).filter((event) => event.type === 'AccessTokenRevoked');
/** A new revocation of the same token each time: one key, so one partition. */
const revoked = (): GrantlineEvent => ({ ...(template as GrantlineEvent), eventId: randomUUID() });
const JTI = template?.aggregate.id ?? '';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function storedIds(): Promise<Set<string>> {
  return new Set((await audit.find({ limit: 1000 })).map((entry) => entry.eventId));
}

/** Every record of the dead-letter topic, read from its start with a group of its own. */
async function deadLetters(expected: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `${run}.dead-letter-reader` });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [deadLetterTopicName(prefix)], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await until(`${expected} dead letters`, async () => (seen.length >= expected ? true : undefined));
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

beforeAll(async () => {
  await log.ensureTopics(1);
  audit = await MongoAuditStore.connect(infra.mongodbUrl, run);
});

afterAll(async () => {
  await consumer?.close();
  await log.close();
  await audit.close();
  const client = new MongoClient(infra.mongodbUrl);
  await client.connect();
  await client.db(run).dropDatabase();
  await client.close();
  await deleteTopicsUnder(kafka, prefix);
});

it('moves unreadable records to the dead-letter topic with their origin and reason, and stores the events around them', async () => {
  const before = revoked();
  await log.append([before]);
  // Written past the event log, on the same key (so the same partition) as the events around them.
  const raw = kafka.producer({ allowAutoTopicCreation: false });
  await raw.connect();
  const notJson = Buffer.from('access_token=not-for-the-log');
  const invalid = Buffer.from(JSON.stringify({ ...revoked(), eventId: 'not-a-uuid' }));
  const [{ baseOffset = '' } = {}] = await raw.send({
    topic: topicName(prefix, 'tokens'),
    acks: -1,
    messages: [
      { key: JTI, value: notJson, headers: { 'event-type': 'unknown' } },
      { key: JTI, value: invalid },
    ],
  });
  await raw.disconnect();
  const after = revoked();
  await log.append([after]);

  consumer = await startAuditConsumer({
    log,
    audit,
    groupId: `${run}.audit`,
    checkIntervalMs: 500,
    telemetry: { metrics: noMetrics, tracing: propagationOnly },
    logger: createLogger('audit', 'silent'),
  });

  await until('both valid events in the audit store', async () => {
    const ids = await storedIds();
    return ids.has(before.eventId) && ids.has(after.eventId) ? ids : undefined;
  });
  const letters = await deadLetters(2);
  const header = (message: KafkaMessage | undefined, name: string) => message?.headers?.[name]?.toString();
  const [first, second] = letters;
  expect(first?.value).toEqual(notJson);
  expect(first?.key?.toString()).toBe(JTI);
  expect(header(first, 'event-type')).toBe('unknown');
  expect(second?.value).toEqual(invalid);
  for (const [index, letter] of letters.entries()) {
    expect(header(letter, deadLetterHeaderNames.sourceTopic)).toBe(topicName(prefix, 'tokens'));
    expect(header(letter, deadLetterHeaderNames.sourceOffset)).toBe(String(BigInt(baseOffset) + BigInt(index)));
    expect(header(letter, deadLetterHeaderNames.sourcePartition)).toMatch(/^\d+$/);
    expect(header(letter, deadLetterHeaderNames.consumerGroup)).toBe(`${run}.audit`);
  }
  expect(header(first, deadLetterHeaderNames.reason)).toBe('not_json');
  expect(header(second, deadLetterHeaderNames.reason)).toBe('invalid_event');
  expect(header(second, deadLetterHeaderNames.detail)).toContain('eventId');
  expect(notes.map((note) => note.reason)).toEqual(['not_json', 'invalid_event']);
  expect(JSON.stringify(notes)).not.toContain('not-for-the-log');

  // The consumer is still running: a later event is stored too.
  const later = revoked();
  await log.append([later]);
  await until('an event appended afterwards', async () => ((await storedIds()).has(later.eventId) ? true : undefined));
});

it('creates the dead-letter topic with the rest: one partition, kept a year', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topic = deadLetterTopicName(prefix);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]?.partitions).toHaveLength(1);
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topic, configNames: ['cleanup.policy', 'retention.ms', 'max.message.bytes'] }],
    });
    const config = Object.fromEntries(
      (resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]),
    );
    expect(config).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': String(365 * 24 * 60 * 60 * 1000),
      'max.message.bytes': String(2 * 1024 * 1024),
    });
  } finally {
    await admin.disconnect();
  }
});
