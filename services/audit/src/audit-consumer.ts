import type { EventLog, Subscription } from '@grantline/lib-event-log';
import type { AuditStore } from '@grantline/lib-projections';
import { startEventConsumer } from '@grantline/lib-runtime';
import type { Telemetry } from '@grantline/lib-telemetry';

/** Copies every event into the audit store; the store ignores events it already has. */
export function startAuditConsumer(
  log: EventLog,
  audit: AuditStore,
  groupId: string,
  telemetry: Pick<Telemetry, 'metrics' | 'tracing'>,
  onFatal?: (error: unknown) => void,
): Promise<Subscription> {
  return startEventConsumer(log, {
    name: 'audit',
    groupId,
    telemetry,
    ...(onFatal ? { onFatal } : {}),
    apply: (event, position) => audit.record(event, position),
  });
}
