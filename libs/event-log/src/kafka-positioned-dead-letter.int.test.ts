import { Kafka, logLevel } from 'kafkajs';
import { sampleEvents } from '@grantline/lib-events/testing';
import { infraFromEnv } from '../../../test/stack/stack-fixture';
import { KafkaEventLog } from './kafka-event-log';
import { deadLetterTopicName, topicName } from './kafka-topology';
import type { DeadLetterNote } from './dead-letter';
import { deleteTopicsUnder } from '../../../test/support/kafka-topics';

const prefix = `tposdead${Date.now().toString(36)}.`;
const brokers = infraFromEnv().kafkaBrokers.split(',');
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
const notes: DeadLetterNote[] = [];
const log = new KafkaEventLog({
  brokers,
  clientId: 'positioned-dead-letter-test',
  topicPrefix: prefix,
  appendTimeoutMs: 10_000,
  onDeadLettered: (note) => notes.push(note),
});

afterAll(async () => {
  await log.close();
  await deleteTopicsUnder(kafka, prefix);
});

it('a positioned subscription (the projector) moves an unreadable record aside and goes on', async () => {
  await log.ensureTopics(1);
  const [issued] = sampleEvents({ now: () => new Date() }).filter((event) => event.type === 'AccessTokenIssued');
  if (!issued) throw new Error('no sample AccessTokenIssued');
  const raw = kafka.producer({ allowAutoTopicCreation: false });
  await raw.connect();
  await raw.send({
    topic: topicName(prefix, 'tokens'),
    acks: -1,
    messages: [{ key: issued.aggregate.id, value: '{' }],
  });
  await raw.disconnect();
  await log.append([issued]);

  const seen: string[] = [];
  const subscription = await log.subscribePositioned({
    groupId: `${prefix}projector`,
    streams: ['tokens'],
    startAt: () => undefined,
    handleBatch: async (batch) => void seen.push(...batch.map((entry) => entry.event.eventId)),
  });
  try {
    const deadline = Date.now() + 45_000;
    while ((seen.length === 0 || notes.length === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await subscription.close();
  }
  expect(seen).toEqual([issued.eventId]);
  expect(notes).toEqual([expect.objectContaining({ groupId: `${prefix}projector`, reason: 'not_json' })]);
  const admin = kafka.admin();
  await admin.connect();
  const [offsets] = await admin.fetchTopicOffsets(deadLetterTopicName(prefix));
  await admin.disconnect();
  expect(offsets?.high).toBe('1');
});
