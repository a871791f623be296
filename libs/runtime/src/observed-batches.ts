import type { BatchHandler } from '@grantline/lib-event-log';
import type { Telemetry } from '@grantline/lib-telemetry';

/**
 * Wraps a consumer's batch handler: each batch is a span under the request that recorded its
 * first event, and every event's apply lag is measured once the handler resolves.
 */
export function observedBatches(
  name: string,
  telemetry: Pick<Telemetry, 'metrics' | 'tracing'>,
  apply: BatchHandler,
): BatchHandler {
  return async (batch) => {
    await telemetry.tracing.inEvents(
      batch.length === 1 ? `${name} ${batch[0]?.event.type}` : `${name} ${batch.length} events`,
      batch.map(({ event }) => event.traceContext.traceparent),
      () => apply(batch),
    );
    const now = Date.now();
    for (const { event } of batch) {
      telemetry.metrics.eventApplied(name, event.type, (now - Date.parse(event.occurredAt)) / 1000);
    }
  };
}
