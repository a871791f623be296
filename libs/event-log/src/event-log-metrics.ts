/**
 * What the Kafka log tells about its own traffic, for whoever measures it (lib-runtime adapts the
 * services' metrics to it). Calls are cheap and never throw; the log does not wait on them.
 */
export interface EventLogMetrics {
  /**
   * One produce request finished: how long it took, how many events it carried, and on failure
   * the kind of error (a class name such as `KafkaJSNumberOfRetriesExceeded`).
   */
  sent(seconds: number, events: number, errorType?: string): void;
  /** A consumer group handled a batch of a partition: the events still behind its high watermark. */
  lag(groupId: string, topic: string, partition: number, events: number): void;
}

export const noEventLogMetrics: EventLogMetrics = {
  sent: () => undefined,
  lag: () => undefined,
};

/** The kind of a failure for `sent`: the error's name, or `_OTHER` for something that is not an Error. */
export function errorTypeOf(error: unknown): string {
  return error instanceof Error && error.name ? error.name : '_OTHER';
}
