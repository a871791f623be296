import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { Stream } from '@grantline/lib-events';
import type { DeadLetter, DeadLetterSink } from './dead-letter';
import type { EventLogMetrics } from './event-log-metrics';
import type { BatchHandler, LoggedEvent, PositionedBatchHandler } from './port';
import { decodeRecord } from './record-decoding';

/**
 * Partitions whose fetched batches are handed over at the same time, so that a consumer can
 * store the batches of one fetch together (at least every partition of our topics).
 */
export const PARTITIONS_AT_ONCE = 32;

/** Where a consumer sends the records it cannot read, under which group it reads, and where its lag goes. */
export interface DeadLetterRoute {
  sink: DeadLetterSink;
  groupId: string;
  /** Told after each handled batch how far the group is behind the partition's high watermark. */
  metrics?: Pick<EventLogMetrics, 'lag'>;
}

/**
 * Hands one fetched batch of a partition to a batch handler and marks it consumed once the
 * handler resolves. A batch that a seek made stale is dropped: the seek decides what comes next.
 *
 * A record that is not an event of the catalogue goes to the dead-letter route, and the batch
 * goes on without it; the batch is marked consumed only once the dead letters are acknowledged
 * too, so a crash in between redelivers it (a dead letter may then be stored twice, never lost).
 * Without a route such a record fails the batch, as it always did.
 */
export async function handleKafkaBatch(
  payload: EachBatchPayload,
  stream: Stream | undefined,
  handleBatch: PositionedBatchHandler,
  deadLetters?: DeadLetterRoute,
): Promise<void> {
  const { batch, isRunning, isStale, resolveOffset, heartbeat } = payload;
  if (!stream || batch.messages.length === 0 || !isRunning() || isStale()) return;
  const entries: LoggedEvent[] = [];
  const unreadable: DeadLetter[] = [];
  for (const message of batch.messages) {
    if (!message.value) continue;
    const decoded = decodeRecord(message.value);
    if (decoded.readable) {
      entries.push({ event: decoded.event, position: { stream, partition: batch.partition, offset: message.offset } });
      continue;
    }
    if (!deadLetters) {
      throw new Error(`unreadable event at ${batch.topic}:${batch.partition}@${message.offset}: ${decoded.detail}`);
    }
    const source = { topic: batch.topic, partition: batch.partition, offset: message.offset };
    unreadable.push(deadLetterOf(message, source, deadLetters.groupId, decoded));
  }
  // Stored before the events behind them are applied, so nothing read after a dead letter counts as done without it.
  if (unreadable.length > 0) await deadLetters?.sink.publish(unreadable);
  await whileInGroup(heartbeat, () =>
    handleBatch(entries, { stream, partition: batch.partition, offset: batch.lastOffset() }),
  );
  if (isStale()) return;
  resolveOffset(batch.lastOffset());
  deadLetters?.metrics?.lag(deadLetters.groupId, batch.topic, batch.partition, Number(batch.offsetLag()));
  await heartbeat();
}

/**
 * kafkajs tells the group a member is alive only between batches or when asked, so a handler
 * slower than the session timeout (a back-channel logout retrying a relying party) would have
 * its partitions taken away mid-batch and handed over again. Heartbeats while the handler runs,
 * at most as often as the consumer's own interval allows; a refused one (a rebalance began) is
 * left for the batch's staleness check after the handler.
 */
async function whileInGroup<T>(heartbeat: () => Promise<void>, run: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_WHILE_HANDLING_MS);
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}

const HEARTBEAT_WHILE_HANDLING_MS = 1_000;

/** A plain batch handler in the positioned shape: batches with no event in them are not handed over. */
export function eventsOnly(handleBatch: BatchHandler): PositionedBatchHandler {
  return async (entries) => {
    if (entries.length > 0) await handleBatch(entries);
  };
}

function deadLetterOf(
  message: KafkaMessage,
  source: Omit<DeadLetter['source'], 'timestamp'>,
  groupId: string,
  { reason, detail }: Pick<DeadLetter, 'reason' | 'detail'>,
): DeadLetter {
  return {
    source: { ...source, timestamp: message.timestamp },
    groupId,
    reason,
    detail,
    key: message.key,
    value: message.value ?? Buffer.alloc(0),
    headers: message.headers ?? {},
  };
}
