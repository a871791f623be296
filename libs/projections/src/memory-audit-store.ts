import { auditEntryOf } from './audit-entry';
import type { AuditEntry, AuditQuery, AuditRecord, AuditStore } from './audit-port';
import { traceparentPrefix } from './audit-trace';

export class MemoryAuditStore implements AuditStore {
  private readonly entries = new Map<string, AuditEntry>();

  async recordAll(records: readonly AuditRecord[]): Promise<void> {
    for (const { event, position } of records) {
      if (!this.entries.has(event.eventId)) this.entries.set(event.eventId, auditEntryOf(event, position));
    }
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
