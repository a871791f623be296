import type { GrantlineEvent, GrantlineEventType } from '@grantline/lib-events';
import type { LogPosition } from './log-position';

/** One audit entry: the event as recorded, plus the fields security teams query by. */
export interface AuditEntry {
  eventId: string;
  type: GrantlineEventType;
  occurredAt: Date;
  clientId: string | null;
  subject: string | null;
  aggregate: { type: string; id: string };
  causationId: string | null;
  traceparent: string | null;
  position: LogPosition;
  event: GrantlineEvent;
}

export interface AuditQuery {
  clientId?: string;
  subject?: string;
  /** The W3C trace id (32 lowercase hex digits) of the request that caused the events. */
  traceId?: string;
  type?: GrantlineEventType;
  from?: Date;
  to?: Date;
  limit?: number;
}

/** An event to record, with its place in the log. */
export interface AuditRecord {
  event: GrantlineEvent;
  position: LogPosition;
}

/** The audit projection: idempotent by event id, so redelivery never duplicates an entry. */
export interface AuditStore {
  /** Records every event not yet recorded; resolves once all of them are stored. */
  recordAll(records: readonly AuditRecord[]): Promise<void>;
  find(query: AuditQuery): Promise<AuditEntry[]>;
  /** Every recorded event id, in no particular order, streamed so a checker can compare the audit with the log. */
  eventIds(): AsyncIterable<string>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
