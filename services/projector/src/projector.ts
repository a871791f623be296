import type { EventLog, Subscription } from '@grantline/lib-event-log';
import type { ProjectionStore } from '@grantline/lib-projections';
import { startEventConsumer } from '@grantline/lib-runtime';
import type { Telemetry } from '@grantline/lib-telemetry';

/**
 * Projects the log into the hot store. The store's apply is idempotent by position, so the
 * at-least-once delivery of a consumer group is safe, and a fresh group rebuilds everything.
 */
export function startProjector(
  log: EventLog,
  store: ProjectionStore,
  groupId: string,
  telemetry: Pick<Telemetry, 'metrics' | 'tracing'>,
  onFatal?: (error: unknown) => void,
): Promise<Subscription> {
  return startEventConsumer(log, {
    name: 'projector',
    groupId,
    telemetry,
    ...(onFatal ? { onFatal } : {}),
    apply: (event, position) => store.apply(event, { partition: position.partition, offset: position.offset }),
  });
}
