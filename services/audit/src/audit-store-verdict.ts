import { firstBehind } from '@grantline/lib-event-log';

/** Why the audit store must be refilled: emptied, or brought back to an older state. */
export type RefillReason = 'gone' | 'behind';

/** What the audit consumer concludes from the positions the store holds. */
export type AuditVerdict =
  /** Every partition holds at least what the consumer knows was stored. */
  | { kind: 'intact' }
  /** The store holds less: read again from its positions (from the start where it has none). */
  | { kind: 'refill'; reason: RefillReason; detail: string };

/**
 * Compares the positions stored with the audit data against what the consumer knows was stored
 * there. Positions only rise while nobody touches the store, so lower ones mean a restore from
 * an older backup and none at all an emptied database (docs/decisions/0023).
 */
export function judgeAuditStore(
  stored: ReadonlyMap<string, string>,
  expected: ReadonlyMap<string, string>,
): AuditVerdict {
  if (expected.size === 0) return { kind: 'intact' };
  if (stored.size === 0) {
    return { kind: 'refill', reason: 'gone', detail: 'the audit positions are gone (an emptied database)' };
  }
  const behind = firstBehind(stored, expected);
  if (behind === undefined) return { kind: 'intact' };
  return {
    kind: 'refill',
    reason: 'behind',
    detail: `the audit store went back in time at ${behind} (a restore from an older backup)`,
  };
}

/**
 * Where a refill ends: what was known stored, per partition, but no further than the log's last
 * offset now, and not in a partition whose events retention has deleted (they cannot come back).
 */
export function refillTargets(
  expected: ReadonlyMap<string, string>,
  logEnds: ReadonlyMap<string, string>,
): Map<string, string> {
  const targets = new Map<string, string>();
  for (const [partition, offset] of expected) {
    const end = logEnds.get(partition);
    if (end === undefined) continue;
    targets.set(partition, BigInt(end) < BigInt(offset) ? end : offset);
  }
  return targets;
}
