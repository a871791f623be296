import type { GrantlineEvent, Stream } from '@grantline/lib-events';

/** Where an event sits in the log; monotonic within one (stream, partition). */
export interface LogPosition {
  stream: Stream;
  partition: number;
  offset: string;
}

export type EventHandler = (event: GrantlineEvent, position: LogPosition) => Promise<void>;

export interface SubscribeOptions {
  /** Consumers sharing a group split the partitions between them (Kafka consumer groups). */
  groupId: string;
  streams: readonly Stream[];
  /** Start from the beginning when the group has no committed position yet. */
  fromBeginning: boolean;
  handler: EventHandler;
  /** Called when the subscription has stopped for good; the process should exit and be restarted. */
  onFatal?: (error: unknown) => void;
}

export interface Subscription {
  close(): Promise<void>;
}

/**
 * The system of record. `append` resolves only once every event is durable (Kafka: acked by
 * all in-sync replicas; embedded: fsynced), and rejects with `EventLogUnavailableError`
 * otherwise — in which case the caller must not hand anything out.
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
