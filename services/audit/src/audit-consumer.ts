import type { EventLog, Subscription } from '@grantline/lib-event-log';
import type { AuditStore } from '@grantline/lib-projections';

/** Copies every event into the audit store; the store ignores events it already has. */
export function startAuditConsumer(log: EventLog, audit: AuditStore, groupId: string): Promise<Subscription> {
  return log.subscribe({
    groupId,
    streams: ['clients', 'tokens'],
    fromBeginning: true,
    handler: (event, position) => audit.record(event, position),
  });
}
