import type { EventLog, Subscription } from '@grantline/lib-event-log';
import type { AuditStore } from '@grantline/lib-projections';
import type { Telemetry } from '@grantline/lib-telemetry';

/** Copies every event into the audit store; the store ignores events it already has. */
export function startAuditConsumer(
  log: EventLog,
  audit: AuditStore,
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
      await tracing.inEvent(`audit ${event.type}`, event.traceContext.traceparent, () => audit.record(event, position));
      metrics.eventApplied('audit', event.type, (Date.now() - Date.parse(event.occurredAt)) / 1000);
    },
  });
}
