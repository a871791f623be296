import { BatchingQueue, type EventLog, type LoggedEvent, type Subscription } from '@grantline/lib-event-log';
import type { AuditStore } from '@grantline/lib-projections';
import { startEventConsumer } from '@grantline/lib-runtime';
import type { Telemetry } from '@grantline/lib-telemetry';

/**
 * Copies every event into the audit store; the store ignores events it already has. The batches
 * of several partitions that arrive together are stored with one insert.
 */
export function startAuditConsumer(
  log: EventLog,
  audit: AuditStore,
  groupId: string,
  telemetry: Pick<Telemetry, 'metrics' | 'tracing'>,
  onFatal?: (error: unknown) => void,
): Promise<Subscription> {
  const inserts = new BatchingQueue<LoggedEvent>((events) => audit.recordAll(events));
  return startEventConsumer(log, {
    name: 'audit',
    groupId,
    telemetry,
    ...(onFatal ? { onFatal } : {}),
    apply: (batch) => inserts.enqueue(batch),
  });
}
