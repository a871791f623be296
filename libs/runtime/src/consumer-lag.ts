import type { Stream } from '@grantline/lib-events';

/** What a consumer group's lag is read from (the Kafka event log has both). */
export interface LagSource {
  committedOffsets(groupId: string, streams: readonly Stream[]): Promise<Map<string, string>>;
  lastOffsets(streams: readonly Stream[]): Promise<Map<string, string>>;
}

/**
 * Events the group has not committed as applied, over every partition: a partition's last offset
 * minus the last one the group committed (all of it when the group committed nothing there).
 */
export function lagOf(last: ReadonlyMap<string, string>, committed: ReadonlyMap<string, string>): number {
  let lag = 0n;
  for (const [partition, offset] of last) {
    const applied = committed.get(partition);
    const behind = applied === undefined ? BigInt(offset) + 1n : BigInt(offset) - BigInt(applied);
    if (behind > 0n) lag += behind;
  }
  return Number(lag);
}

/**
 * A readiness check for a consumer service: true while its group is at most `maxLag` events
 * behind the end of the log. False, not a throw, when the offsets cannot be read: the other
 * checks already say why.
 */
export function lagReadiness(
  log: LagSource,
  options: { groupId: string; streams: readonly Stream[]; maxLag: number },
): () => Promise<boolean> {
  return async () => {
    try {
      const [last, committed] = await Promise.all([
        log.lastOffsets(options.streams),
        log.committedOffsets(options.groupId, options.streams),
      ]);
      return lagOf(last, committed) <= options.maxLag;
    } catch {
      return false;
    }
  };
}
