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
  /**
   * Records every event not yet recorded, then raises (never lowers) the stored position of each
   * partition the records come from; resolves once both are stored. A failure between the two
   * leaves positions behind the entries, so a consumer resuming from them replays, never skips.
   *
   * With `known` (where the caller knows positions stand), a partition's position is raised only
   * if it still stands at least there: one that went back (a restore) or vanished (an emptied
   * database) is left as it is, so the gap below it stays visible, and the answer is `false`.
   * Partitions `known` does not name are raised (or created) unconditionally.
   */
  recordAll(records: readonly AuditRecord[], known?: ReadonlyMap<string, string>): Promise<boolean>;
  /**
   * The last recorded offset per `<stream>:<partition>`, kept with the entries: a restore from an
   * older backup brings back older positions, an emptied database none.
   */
  positions(): Promise<Map<string, string>>;
  find(query: AuditQuery): Promise<AuditEntry[]>;
  /** Every recorded event id, in no particular order, streamed so a checker can compare the audit with the log. */
  eventIds(): AsyncIterable<string>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
