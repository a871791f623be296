import { Kafka, logLevel, type Admin } from 'kafkajs';
import { streams } from '@grantline/lib-events';
import { assertTopicRetention, KafkaEventLog, topicName, TopicRetentionError } from '@grantline/lib-event-log';
import { infraFromEnv } from '../stack/stack-fixture';

const DAY_MS = 24 * 60 * 60 * 1000;
const run = `tretention${Date.now().toString(36)}`;
const brokers = infraFromEnv().kafkaBrokers.split(',');
const admin: Admin = new Kafka({ brokers, clientId: 'kafka-retention-test', logLevel: logLevel.NOTHING }).admin();
const logs: KafkaEventLog[] = [];
const created = new Set<string>();

function eventLog(prefix: string, tokensRetentionMs?: number): KafkaEventLog {
  const log = new KafkaEventLog({
    brokers,
    clientId: 'kafka-retention-test',
    topicPrefix: prefix,
    appendTimeoutMs: 10_000,
    ...(tokensRetentionMs === undefined ? {} : { tokensRetentionMs }),
  });
  logs.push(log);
  for (const stream of streams) created.add(topicName(prefix, stream));
  return log;
}

async function createTokensTopic(prefix: string, config: Record<string, string>): Promise<string> {
  const topic = topicName(prefix, 'tokens');
  created.add(topic);
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: Object.entries(config).map(([name, value]) => ({ name, value })),
      },
    ],
  });
  return topic;
}

beforeAll(() => admin.connect());

afterAll(async () => {
  await Promise.all(logs.map((log) => log.close()));
  const existing = new Set(await admin.listTopics());
  const topics = [...created].filter((topic) => existing.has(topic));
  if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  await admin.disconnect();
});

it('creates the tokens topic with the configured retention, and accepts it when it starts again', async () => {
  const prefix = `${run}.made.`;
  await eventLog(prefix, 45 * DAY_MS).ensureTopics(1);

  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: topicName(prefix, 'tokens'), configNames: ['retention.ms'] }],
  });
  expect(resources[0]?.configEntries[0]?.configValue).toBe(String(45 * DAY_MS));
  await expect(eventLog(prefix, 45 * DAY_MS).ensureTopics(1)).resolves.toBeUndefined();
  await expect(eventLog(prefix, 31 * DAY_MS).ensureTopics(1)).resolves.toBeUndefined();
});

it('refuses to start on an existing tokens topic that keeps events for less than the configured retention', async () => {
  const prefix = `${run}.short.`;
  const topic = await createTokensTopic(prefix, { 'cleanup.policy': 'delete', 'retention.ms': String(DAY_MS) });

  const start = eventLog(prefix, 30 * DAY_MS).ensureTopics(1);
  await expect(start).rejects.toThrow(TopicRetentionError);
  await expect(start).rejects.toThrow(
    `Kafka topic ${topic} keeps events for 1 day (retention.ms=${DAY_MS}), less than the 30 days required`,
  );
  // Nothing else was created: the check runs before any topic is.
  expect(await admin.listTopics()).not.toContain(topicName(prefix, 'clients'));
});

it("reads the broker's default when the topic sets no retention of its own", async () => {
  const topic = await createTokensTopic(`${run}.default.`, {});
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 2, name: topic, configNames: ['retention.ms'] }],
  });
  const brokerDefault = Number(resources[0]?.configEntries[0]?.configValue);
  expect(brokerDefault).not.toBeNaN();

  await expect(assertTopicRetention(admin, topic, brokerDefault)).resolves.toBeUndefined();
  await expect(assertTopicRetention(admin, topic, brokerDefault + 1)).rejects.toThrow(TopicRetentionError);
});

it('accepts a topic that keeps events forever', async () => {
  const topic = await createTokensTopic(`${run}.forever.`, { 'retention.ms': '-1' });
  await expect(assertTopicRetention(admin, topic, 365 * DAY_MS)).resolves.toBeUndefined();
});

it('refuses a topic with a size limit, however long its retention', async () => {
  const topic = await createTokensTopic(`${run}.sized.`, {
    'retention.ms': String(90 * DAY_MS),
    'retention.bytes': String(1024 * 1024 * 1024),
  });
  await expect(assertTopicRetention(admin, topic, 30 * DAY_MS)).rejects.toThrow(/retention\.bytes=1073741824/);
});
