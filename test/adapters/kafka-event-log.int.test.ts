import { Kafka, logLevel } from 'kafkajs';
import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { KafkaEventLog, topicName, type LogPosition } from '@grantline/lib-event-log';
import { infraFromEnv } from '../stack/stack-fixture';

const prefix = `tkafka${Date.now().toString(36)}.`;
const brokers = infraFromEnv().kafkaBrokers.split(',');
const log = new KafkaEventLog({ brokers, clientId: 'kafka-log-test', topicPrefix: prefix, appendTimeoutMs: 10_000 });

function revoked(jti: string): GrantlineEvent {
  const now = new Date();
  return stampEvent(
    {
      type: 'AccessTokenRevoked',
      aggregate: { type: 'token', id: jti },
      data: { jti, clientId: 'c', expiresAt: Math.floor(now.getTime() / 1000) + 60, revokedBy: null },
    },
    { now: () => now, traceContext: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
  );
}

beforeAll(() => log.ensureTopics(1));
afterAll(() => log.close());

it('creates topics with their documented partitions and cleanup policies', async () => {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({
      topics: [topicName(prefix, 'clients'), topicName(prefix, 'tokens')],
    });
    expect(Object.fromEntries(metadata.topics.map((topic) => [topic.name, topic.partitions.length]))).toEqual({
      [topicName(prefix, 'clients')]: 3,
      [topicName(prefix, 'tokens')]: 6,
    });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: topicName(prefix, 'clients'), configNames: ['cleanup.policy'] }],
    });
    expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact');
  } finally {
    await admin.disconnect();
  }
});

it('appends concurrently, keyed by aggregate, and delivers every event with its trace context', async () => {
  const events = Array.from({ length: 60 }, (_, index) => revoked(`jti-${index}`));
  await Promise.all(events.map((event) => log.append([event])));

  const seen = new Map<string, { event: GrantlineEvent; position: LogPosition }>();
  const subscription = await log.subscribe({
    groupId: `${prefix}reader`,
    streams: ['tokens'],
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const entry of batch) seen.set(entry.event.eventId, entry);
    },
  });
  const deadline = Date.now() + 30_000;
  while (seen.size < events.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  await subscription.close();

  expect(seen.size).toBe(events.length);
  const first = seen.get(events[0]?.eventId ?? '');
  expect(first?.event).toEqual(events[0]);
  expect(first?.position.stream).toBe('tokens');
});

it('rejects an append with EventLogUnavailableError when no broker answers', async () => {
  const dead = new KafkaEventLog({
    brokers: ['127.0.0.1:1'],
    clientId: 'dead',
    topicPrefix: prefix,
    appendTimeoutMs: 1_500,
  });
  await expect(dead.append([revoked('never')])).rejects.toMatchObject({ name: 'EventLogUnavailableError' });
  await dead.close().catch(() => undefined);
});
