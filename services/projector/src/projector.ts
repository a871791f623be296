import type { EventLog, Subscription } from '@grantline/lib-event-log';
import type { ProjectionStore } from '@grantline/lib-projections';
import type { Telemetry } from '@grantline/lib-telemetry';

/**
 * Projects the log into the hot store. The store's apply is idempotent by position, so the
 * at-least-once delivery of a consumer group is safe, and a fresh group rebuilds everything.
 */
export function startProjector(
  log: EventLog,
  store: ProjectionStore,
  groupId: string,
  { metrics, tracing }: Pick<Telemetry, 'metrics' | 'tracing'>,
  onFatal?: (error: unknown) => void,
): Promise<Subscription> {
  return log.subscribe({
    groupId,
    streams: ['clients', 'tokens'],
    fromBeginning: true,
    ...(onFatal ? { onFatal } : {}),
    handler: async (event, position) => {
      await tracing.inEvent(`projector ${event.type}`, event.traceContext.traceparent, () =>
        store.apply(event, { partition: position.partition, offset: position.offset }),
      );
      metrics.eventApplied('projector', event.type, (Date.now() - Date.parse(event.occurredAt)) / 1000);
    },
  });
}
