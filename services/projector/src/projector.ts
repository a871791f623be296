import type { EventLog, Subscription } from '@grantline/lib-event-log';
import type { ProjectionStore } from '@grantline/lib-projections';

/**
 * Projects the log into the hot store. The store's apply is idempotent by position, so the
 * at-least-once delivery of a consumer group is safe, and a fresh group rebuilds everything.
 */
export function startProjector(log: EventLog, store: ProjectionStore, groupId: string): Promise<Subscription> {
  return log.subscribe({
    groupId,
    streams: ['clients', 'tokens'],
    fromBeginning: true,
    handler: (event, position) => store.apply(event, { partition: position.partition, offset: position.offset }),
  });
}
