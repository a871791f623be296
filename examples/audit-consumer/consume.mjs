// An example consumer of Grantline's audit stream: reads one topic from its start with a
// consumer group of its own, validates every record against the published JSON Schemas, drops
// redelivered events by event id and prints one JSON line per event on stdout.
//
//   node consume.mjs --brokers 127.0.0.1:9092 [--topic grantline.tokens] [--group NAME]
//                    [--schemas DIR] [--max-events N] [--timeout-ms MS]
import { dirname, join } from 'node:path';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { loadEventValidator } from './event-validator.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
  options: {
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092' },
    topic: { type: 'string', default: 'grantline.tokens' },
    group: { type: 'string', default: 'grantline-example-audit-consumer' },
    schemas: { type: 'string', default: join(here, '..', '..', 'docs', 'audit-stream', 'schemas') },
    'max-events': { type: 'string' },
    'timeout-ms': { type: 'string' },
  },
});
const maxEvents = options['max-events'] === undefined ? Infinity : Number(options['max-events']);
const timeoutMs = options['timeout-ms'] === undefined ? undefined : Number(options['timeout-ms']);

const validator = loadEventValidator(options.schemas);
const kafka = new Kafka({
  clientId: options.group,
  brokers: options.brokers.split(','),
  logLevel: logLevel.ERROR,
});
const consumer = kafka.consumer({ groupId: options.group });
// Delivery is at least once: the same event may come again after a rebalance or a restart.
// A real consumer keeps the ids durably with what it stores (a unique key); this one in memory.
const seen = new Set();
const counts = { events: 0, duplicates: 0, unknown: 0, invalid: 0 };

let finish;
const finished = new Promise((resolve) => (finish = resolve));

function traceIdOf(event) {
  return event.traceContext?.traceparent?.split('-')[1] ?? null;
}

function handle({ topic, partition, message }) {
  const where = `${topic}/${partition}@${message.offset}`;
  let value;
  try {
    value = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    counts.invalid += 1;
    process.stderr.write(`invalid record ${where}: not JSON\n`);
    return;
  }
  const result = validator.check(value);
  if (result.status === 'invalid') {
    counts.invalid += 1;
    process.stderr.write(`invalid record ${where}: ${result.errors}\n`);
    return;
  }
  const event = result.event;
  if (seen.has(event.eventId)) {
    counts.duplicates += 1;
    return;
  }
  seen.add(event.eventId);
  if (result.status === 'unknown') counts.unknown += 1;
  counts.events += 1;
  const line = {
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    type: event.type,
    version: event.version,
    schema: result.status,
    aggregate: `${event.aggregate.type}/${event.aggregate.id}`,
    traceId: traceIdOf(event),
    requestId: event.causationId ?? null,
    partition,
    offset: message.offset,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  if (counts.events >= maxEvents) finish(0);
}

try {
  await consumer.connect();
  await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
  await consumer.run({ eachMessage: async (payload) => handle(payload) });
} catch (error) {
  process.stderr.write(`cannot read ${options.topic} from ${options.brokers}: ${error.message}\n`);
  process.exit(1);
}
const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(maxEvents === Infinity ? 0 : 2), timeoutMs);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => finish(0));

const code = await finished;
clearTimeout(timer);
// Disconnecting commits the offsets of what was handled, so the next run goes on from there.
await consumer.disconnect();
process.stderr.write(`${JSON.stringify(counts)}\n`);
process.exit(code);
