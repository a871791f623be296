import type { Kafka } from 'kafkajs';
import type { Stream } from '@grantline/lib-events';
import { handleKafkaBatch, PARTITIONS_AT_ONCE, type DeadLetterRoute } from './kafka-batch';
import type { PositionedBatchHandler } from './port';

/** `<stream>:<partition>`, the key of a partition in position maps. */
export function partitionKey(stream: string, partition: number): string {
  return `${stream}:${partition}`;
}

/** The next offset to read for a partition, or undefined for its start. */
export type StartAt = (stream: Stream, partition: number) => string | undefined;

export interface PositionedSubscribeOptions {
  groupId: string;
  streams: readonly Stream[];
  /**
   * Where each assigned partition starts, asked on every assignment: the consumer's own store
   * keeps its positions, so the group's committed offsets never decide where reading resumes.
   */
  startAt: StartAt;
  /** Told of every fetched batch, where it ends included (see {@link PositionedBatchHandler}). */
  handleBatch: PositionedBatchHandler;
  onFatal?: (error: unknown) => void;
  /** Where records that are not events of the catalogue go; without it, one fails its batch. */
  deadLetters?: DeadLetterRoute;
}

/** A subscription that reads from positions its consumer keeps. */
export interface PositionedSubscription {
  /**
   * Moves every assigned partition to `startAt`'s answer. Events handed to the handler after
   * this resolves come from the new positions; one already being handled finishes.
   */
  seek(startAt: StartAt): Promise<void>;
  /**
   * Records in the group the last applied offset per partition key, never moving one back: a
   * durable note of how far the consumer got, to tell a store that lost data from one that lags.
   */
  commit(applied: ReadonlyMap<string, string>): Promise<void>;
  close(): Promise<void>;
}

/** The part of the Kafka event log a consumer that keeps its own positions needs. */
export interface PositionedLog {
  subscribePositioned(options: PositionedSubscribeOptions): Promise<PositionedSubscription>;
  /** The last offset the group committed as applied, per `<stream>:<partition>`. */
  committedOffsets(groupId: string, streams: readonly Stream[]): Promise<Map<string, string>>;
  /** The offset of the last event of each non-empty partition now, per `<stream>:<partition>`. */
  lastOffsets(streams: readonly Stream[]): Promise<Map<string, string>>;
}

/**
 * A consumer-group subscription whose positions come from the consumer (kafkajs seeks on each
 * assignment, before the first fetch), with offsets committed only when asked.
 */
export async function subscribePositioned(
  kafka: Kafka,
  topics: ReadonlyMap<string, Stream>,
  options: PositionedSubscribeOptions,
): Promise<PositionedSubscription> {
  const admin = kafka.admin();
  await admin.connect();
  // A projector is a single writer: a crashed one should hand its partitions over in seconds.
  const consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    // A seek takes effect at the next fetch; a short wait lets a rebuild start at once on a quiet log.
    maxWaitTimeInMs: 250,
  });
  const assigned = new Map<string, number[]>();
  const committed = await committedOffsets(admin, options.groupId, topics);
  let starts = await partitionStarts(admin, topics);

  const seekAll = (startAt: StartAt) => {
    for (const [topic, partitions] of assigned) {
      const stream = topics.get(topic);
      if (!stream) continue;
      for (const partition of partitions) {
        const offset = startAt(stream, partition) ?? starts.get(partitionKey(stream, partition)) ?? '0';
        consumer.seek({ topic, partition, offset });
      }
    }
  };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned.clear();
    for (const [topic, partitions] of Object.entries(payload.memberAssignment)) assigned.set(topic, partitions);
    // Synchronous, so the seeks are in place before the first fetch of this assignment.
    seekAll(options.startAt);
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) options.onFatal?.(payload.error);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics.keys()], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
    eachBatch: (payload) =>
      handleKafkaBatch(payload, topics.get(payload.batch.topic), options.handleBatch, options.deadLetters),
  });
  return {
    seek: async (startAt) => {
      starts = await partitionStarts(admin, topics);
      seekAll(startAt);
    },
    commit: async (applied) => {
      const forward = [...topics].flatMap(([topic, stream]) =>
        (assigned.get(topic) ?? []).flatMap((partition) => {
          const key = partitionKey(stream, partition);
          const last = applied.get(key);
          const known = committed.get(key);
          if (last === undefined || (known !== undefined && BigInt(known) >= BigInt(last))) return [];
          return [{ topic, partition, offset: String(BigInt(last) + 1n), key, last }];
        }),
      );
      if (forward.length === 0) return;
      await consumer.commitOffsets(forward.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
      for (const { key, last } of forward) committed.set(key, last);
    },
    close: async () => {
      await consumer.disconnect();
      await admin.disconnect();
    },
  };
}

/** The last offset the group committed as applied, per partition key. */
export async function committedOffsets(
  admin: ReturnType<Kafka['admin']>,
  groupId: string,
  topics: ReadonlyMap<string, Stream>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics.keys()] })) {
    const stream = topics.get(topic);
    if (!stream) continue;
    for (const { partition, offset } of partitions) {
      if (BigInt(offset) > 0n) found.set(partitionKey(stream, partition), String(BigInt(offset) - 1n));
    }
  }
  return found;
}

/** The offset of the last event in each non-empty partition. */
export async function lastOffsets(
  admin: ReturnType<Kafka['admin']>,
  topics: ReadonlyMap<string, Stream>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const [topic, stream] of topics) {
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(high) > BigInt(low)) found.set(partitionKey(stream, partition), String(BigInt(high) - 1n));
    }
  }
  return found;
}

async function partitionStarts(
  admin: ReturnType<Kafka['admin']>,
  topics: ReadonlyMap<string, Stream>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const [topic, stream] of topics) {
    for (const { partition, low } of await admin.fetchTopicOffsets(topic)) {
      found.set(partitionKey(stream, partition), low);
    }
  }
  return found;
}
