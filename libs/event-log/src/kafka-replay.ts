import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Stream } from '@grantline/lib-events';
import { decodeRecord } from './record-decoding';
import type { EventHandler } from './port';

/**
 * Reads the topics from their start to the high watermarks they have now, with a throw-away
 * consumer group that commits nothing and is deleted afterwards.
 */
export async function replayTopics(
  kafka: Kafka,
  topics: ReadonlyMap<string, Stream>,
  handler: EventHandler,
  timeoutMs: number,
): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `grantline-replay-${randomUUID()}`;
  try {
    const remaining = new Map<string, bigint>();
    for (const topic of topics.keys()) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(high) > BigInt(low)) remaining.set(`${topic}:${partition}`, BigInt(high));
      }
    }
    if (remaining.size === 0) return 0;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    let count = 0;
    try {
      await consumer.subscribe({ topics: [...topics.keys()], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`replay did not reach the end within ${timeoutMs} ms`)),
          timeoutMs,
        );
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ topic, partition, message }) => {
              const key = `${topic}:${partition}`;
              const end = remaining.get(key);
              if (end === undefined) return;
              const stream = topics.get(topic);
              // An unreadable record was moved to the dead-letter topic by the consumers; a
              // replay passes it the same way, or a rebuild could never finish.
              const decoded = message.value && stream ? decodeRecord(message.value) : undefined;
              if (decoded?.readable && stream) {
                await handler(decoded.event, { stream, partition, offset: message.offset });
                count += 1;
              }
              if (BigInt(message.offset) + 1n >= end) remaining.delete(key);
              if (remaining.size === 0) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return count;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
