import type { GrantlineEvent } from '@grantline/lib-events';
import type { AuditStore } from './audit-port';
import { checksumOfIds } from './projection-checksum';

export interface AuditCheckResult {
  /** Distinct event ids the log holds. */
  events: number;
  /** Of those, the ones the audit holds. */
  audited: number;
  /** Of those, the ones the audit lacks. */
  missing: number;
  /**
   * Audit entries of events the log no longer holds (its retention deleted them) or did not hold
   * yet when the replay ended; not a difference.
   */
  beyondRetention: number;
  /** Checksum of the log's event ids. */
  expected: string;
  /** Checksum of the audit's event ids that the log holds. */
  actual: string;
  matches: boolean;
}

/**
 * Compares the audit collection with the log by event id: fed the replayed events, it reads the
 * audit's ids once. Events the audit consumer has not reached yet show as missing; run it again
 * before acting on a mismatch.
 */
export class AuditCheck {
  private readonly eventIds = new Set<string>();

  apply(event: GrantlineEvent): void {
    this.eventIds.add(event.eventId);
  }

  async compare(audit: Pick<AuditStore, 'eventIds'>): Promise<AuditCheckResult> {
    const audited = new Set<string>();
    let beyondRetention = 0;
    for await (const eventId of audit.eventIds()) {
      if (this.eventIds.has(eventId)) audited.add(eventId);
      else beyondRetention += 1;
    }
    const expected = checksumOfIds(this.eventIds);
    const actual = checksumOfIds(audited);
    return {
      events: this.eventIds.size,
      audited: audited.size,
      missing: this.eventIds.size - audited.size,
      beyondRetention,
      expected,
      actual,
      matches: expected === actual,
    };
  }
}
