import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { streamOfEvent, type GrantlineEvent } from '@grantline/lib-events';
import { sampleEvents } from '@grantline/lib-events/testing';
import { KafkaEventLog, topicName } from '@grantline/lib-event-log';
import { infraFromEnv } from '../../test/stack/stack-fixture';
import { deleteTopicsUnder } from '../../test/support/kafka-topics';

const run = `texample${Date.now().toString(36)}`;
const prefix = `${run}.`;
const brokers = infraFromEnv().kafkaBrokers;
const log = new KafkaEventLog({
  brokers: brokers.split(','),
  clientId: 'example-consumer-test',
  topicPrefix: prefix,
  appendTimeoutMs: 10_000,
});
const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });

interface PrintedEvent {
  eventId: string;
  type: string;
  schema: string;
  traceId: string | null;
}

/** The example's own dependencies, which the root install puts into its folder (it is a workspace). */
function assertInstalled(): void {
  const version = (() => {
    try {
      return (createRequire(join(__dirname, 'consume.mjs'))('ajv/package.json') as { version: string }).version;
    } catch {
      return 'none';
    }
  })();
  if (!version.startsWith('8.')) {
    throw new Error(
      `examples/audit-consumer needs ajv 8 beside it, found ${version}: run \`npm install\` at the repository ` +
        'root (examples/* is a workspace), or `npm install` in examples/audit-consumer',
    );
  }
}

afterAll(async () => {
  await log.close();
  await deleteTopicsUnder(kafka, prefix);
});

it('reads the tokens topic from its start, validates against the published schemas and prints each event once', async () => {
  assertInstalled();
  await log.ensureTopics(1);
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const tokenEvents = sampleEvents({
    now: () => new Date(),
    traceContext: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
  }).filter((event) => streamOfEvent(event) === 'tokens');
  const [first] = tokenEvents as [GrantlineEvent];
  await log.append(tokenEvents);
  // On the partition of `first`, in this order: a redelivery of it, a record that is no event, and one more event.
  // Once the consumer has printed that last event it has read the two before it.
  await log.append([first]);
  const raw = kafka.producer({ allowAutoTopicCreation: false });
  await raw.connect();
  await raw.send({
    topic: topicName(prefix, 'tokens'),
    acks: -1,
    messages: [{ key: first.aggregate.id, value: 'not json' }],
  });
  await raw.disconnect();
  const last: GrantlineEvent = { ...first, eventId: randomUUID() };
  await log.append([last]);
  const expected = [...tokenEvents, last];

  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [
      join(__dirname, 'consume.mjs'),
      '--brokers',
      brokers,
      '--topic',
      topicName(prefix, 'tokens'),
      '--group',
      `${run}.example`,
      '--max-events',
      String(expected.length),
      '--timeout-ms',
      '60000',
    ],
    { timeout: 90_000 },
  );

  const printed = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as PrintedEvent);
  expect(printed.map((line) => line.eventId).sort()).toEqual(expected.map((event) => event.eventId).sort());
  expect(new Set(printed.map((line) => line.schema))).toEqual(new Set(['valid']));
  expect(new Set(printed.map((line) => line.traceId))).toEqual(new Set([traceId]));
  expect(printed.map((line) => line.type).sort()).toEqual(expected.map((event) => event.type).sort());
  expect(stderr).toMatch(/^invalid record .+: not JSON$/m);
  const summary = JSON.parse(stderr.trim().split('\n').pop() ?? '{}') as Record<string, number>;
  expect(summary).toEqual({ events: expected.length, duplicates: 1, unknown: 0, invalid: 1 });
});
