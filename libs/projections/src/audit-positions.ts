import type { LogPosition } from './log-position';

/** The highest offset per `<stream>:<partition>` among `positions`, merged into `into` (never lowered). */
export function raiseOffsets(positions: Iterable<LogPosition>, into = new Map<string, string>()): Map<string, string> {
  for (const { stream, partition, offset } of positions) {
    const key = `${stream}:${partition}`;
    const current = into.get(key);
    if (current === undefined || BigInt(offset) > BigInt(current)) into.set(key, offset);
  }
  return into;
}
