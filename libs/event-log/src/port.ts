import type { GrantlineEvent, Stream } from '@grantline/lib-events';

/** Where an event sits in the log; monotonic within one (stream, partition). */
export interface LogPosition {
  stream: Stream;
  partition: number;
  offset: string;
}

export type EventHandler = (event: GrantlineEvent, position: LogPosition) => Promise<void>;

/** An event with where it sits in the log. */
export interface LoggedEvent {
  event: GrantlineEvent;
  position: LogPosition;
}

/**
 * Takes events as the log hands them over: a batch holds consecutive events of one partition,
 * in log order, and the next batch of that partition waits until this one resolves. Batches of
 * different partitions may be handed over at the same time.
 */
export type BatchHandler = (batch: readonly LoggedEvent[]) => Promise<void>;

/**
 * A {@link BatchHandler} that is also told where the fetched batch ends, and is called for every
 * fetched batch, even one whose records were all moved aside (dead-lettered) or carried no value:
 * a consumer that waits to reach an offset must hear it was passed when no event stands there.
 */
export type PositionedBatchHandler = (batch: readonly LoggedEvent[], through: LogPosition) => Promise<void>;

export interface SubscribeOptions {
  /** Consumers sharing a group split the partitions between them (Kafka consumer groups). */
  groupId: string;
  streams: readonly Stream[];
  /** Start from the beginning when the group has no committed position yet. */
  fromBeginning: boolean;
  handleBatch: BatchHandler;
  /** Called when the subscription has stopped for good; the process should exit and be restarted. */
  onFatal?: (error: unknown) => void;
}

export interface Subscription {
  close(): Promise<void>;
}

/**
 * The system of record. `append` resolves only once every event is durable (Kafka: acked by
 * all in-sync replicas; embedded: fsynced), and rejects with `EventLogUnavailableError`
 * otherwise — in which case the caller must not hand anything out. Before that, every adapter
 * checks the whole append against the catalogue (`validateForAppend`) and rejects with
 * `InvalidEventError`, having written nothing, if any event is malformed or on the wrong stream.
 */
export interface EventLog {
  append(events: readonly GrantlineEvent[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * Reads every event of the streams, from the start up to the end as it is when called, in log
   * order per partition; resolves with the count once the end is reached. Rebuilds and checks
   * projections without touching any consumer group's position.
   */
  replay(streams: readonly Stream[], handler: EventHandler): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export class EventLogUnavailableError extends Error {
  override readonly name = 'EventLogUnavailableError';
}
