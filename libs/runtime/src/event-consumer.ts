import type { EventHandler, EventLog, Subscription } from '@grantline/lib-event-log';
import { streams } from '@grantline/lib-events';
import type { Telemetry } from '@grantline/lib-telemetry';

/**
 * A consumer group over every stream, from the start when the group is new. Each event is a
 * span under the request that recorded it, and its apply lag is measured. The handler must be
 * idempotent: delivery is at least once.
 */
export function startEventConsumer(
  log: EventLog,
  options: {
    name: string;
    groupId: string;
    telemetry: Pick<Telemetry, 'metrics' | 'tracing'>;
    apply: EventHandler;
    onFatal?: (error: unknown) => void;
  },
): Promise<Subscription> {
  const { name, telemetry, apply } = options;
  return log.subscribe({
    groupId: options.groupId,
    streams,
    fromBeginning: true,
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    handler: async (event, position) => {
      await telemetry.tracing.inEvent(`${name} ${event.type}`, event.traceContext.traceparent, () =>
        apply(event, position),
      );
      telemetry.metrics.eventApplied(name, event.type, (Date.now() - Date.parse(event.occurredAt)) / 1000);
    },
  });
}
