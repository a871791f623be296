import type { BatchHandler, EventLog, Subscription } from '@grantline/lib-event-log';
import { streams } from '@grantline/lib-events';
import type { Telemetry } from '@grantline/lib-telemetry';

/**
 * A consumer group over every stream, from the start when the group is new. Each batch is a
 * span under the request that recorded its first event, and every event's apply lag is
 * measured. The handler must be idempotent: delivery is at least once.
 */
export function startEventConsumer(
  log: EventLog,
  options: {
    name: string;
    groupId: string;
    telemetry: Pick<Telemetry, 'metrics' | 'tracing'>;
    apply: BatchHandler;
    onFatal?: (error: unknown) => void;
  },
): Promise<Subscription> {
  const { name, telemetry, apply } = options;
  return log.subscribe({
    groupId: options.groupId,
    streams,
    fromBeginning: true,
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    handleBatch: async (batch) => {
      await telemetry.tracing.inEvents(
        batch.length === 1 ? `${name} ${batch[0]?.event.type}` : `${name} ${batch.length} events`,
        batch.map(({ event }) => event.traceContext.traceparent),
        () => apply(batch),
      );
      const now = Date.now();
      for (const { event } of batch) {
        telemetry.metrics.eventApplied(name, event.type, (now - Date.parse(event.occurredAt)) / 1000);
      }
    },
  });
}
