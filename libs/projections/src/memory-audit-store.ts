import { auditEntryOf } from './audit-entry';
import type { AuditEntry, AuditQuery, AuditRecord, AuditStore } from './audit-port';
import { raiseOffsets } from './audit-positions';
import { traceparentPrefix } from './audit-trace';

export class MemoryAuditStore implements AuditStore {
  private readonly entries = new Map<string, AuditEntry>();
  private readonly stored = new Map<string, string>();

  async recordAll(records: readonly AuditRecord[], known?: ReadonlyMap<string, string>): Promise<boolean> {
    for (const { event, position } of records) {
      if (!this.entries.has(event.eventId)) this.entries.set(event.eventId, auditEntryOf(event, position));
    }
    let held = true;
    for (const [partition, offset] of raiseOffsets(records.map(({ position }) => position))) {
      const current = this.stored.get(partition);
      const floor = known?.get(partition);
      if (floor !== undefined && (current === undefined || BigInt(current) < BigInt(floor))) {
        held = false;
      } else if (current === undefined || BigInt(offset) > BigInt(current)) {
        this.stored.set(partition, offset);
      }
    }
    return held;
  }

  async positions(): Promise<Map<string, string>> {
    return new Map(this.stored);
  }

  /** What a restore does: puts back entries and positions as they were in `backup`. */
  restore(backup: MemoryAuditStore): void {
    this.entries.clear();
    for (const [eventId, entry] of backup.entries) this.entries.set(eventId, entry);
    this.stored.clear();
    for (const [partition, offset] of backup.stored) this.stored.set(partition, offset);
  }

  /** A copy of the entries and positions now, as a backup would take them. */
  backup(): MemoryAuditStore {
    const copy = new MemoryAuditStore();
    copy.restore(this);
    return copy;
  }

  async find(query: AuditQuery): Promise<AuditEntry[]> {
    return [...this.entries.values()]
      .filter((entry) => matches(entry, query))
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())
      .slice(0, query.limit ?? 100);
  }

  async *eventIds(): AsyncIterable<string> {
    yield* this.entries.keys();
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}

function matches(entry: AuditEntry, query: AuditQuery): boolean {
  return (
    (query.clientId === undefined || entry.clientId === query.clientId) &&
    (query.subject === undefined || entry.subject === query.subject) &&
    (query.type === undefined || entry.type === query.type) &&
    (query.traceId === undefined || (entry.traceparent ?? '').startsWith(traceparentPrefix(query.traceId))) &&
    (query.from === undefined || entry.occurredAt >= query.from) &&
    (query.to === undefined || entry.occurredAt <= query.to)
  );
}
