import { EventLogUnavailableError, KafkaEventLog } from '@grantline/lib-event-log';
import type { GrantlineEvent } from '@grantline/lib-events';

/**
 * The Kafka log of a service that may be stopping: `close` waits for the appends already under
 * way, so every append a client was told about is acknowledged before the producer disconnects,
 * and an append that starts after `close` is refused (the caller answers 503 and hands nothing
 * out) instead of connecting a new producer.
 */
export class StoppingKafkaEventLog extends KafkaEventLog {
  private readonly appending = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;

  override append(events: readonly GrantlineEvent[]): Promise<void> {
    if (this.closing) {
      return Promise.reject(new EventLogUnavailableError('the service is shutting down; nothing was appended'));
    }
    const append = super.append(events);
    const settled = append.then(
      () => undefined,
      () => undefined,
    );
    this.appending.add(settled);
    void settled.then(() => this.appending.delete(settled));
    return append;
  }

  override close(): Promise<void> {
    this.closing ??= Promise.all([...this.appending]).then(() => super.close());
    return this.closing;
  }
}
