/**
 * Offsets per partition (`<stream>:<partition>` → last offset, as a decimal string), compared as
 * integers: what a positioned consumer stored, applied, or must reach.
 */

/** The first partition whose offset in `positions` is below (or missing against) `applied`, if any. */
export function firstBehind(
  positions: ReadonlyMap<string, string>,
  applied: ReadonlyMap<string, string>,
): string | undefined {
  for (const [partition, offset] of applied) {
    const stored = positions.get(partition);
    if (stored === undefined || BigInt(stored) < BigInt(offset)) return partition;
  }
  return undefined;
}

/** Whether every partition has reached its target offset. */
export function caughtUp(positions: ReadonlyMap<string, string>, targets: ReadonlyMap<string, string>): boolean {
  return firstBehind(positions, targets) === undefined;
}

/** Raises a partition's offset in a map, never lowering it. */
export function raise(offsets: Map<string, string>, partition: string, offset: string): void {
  const current = offsets.get(partition);
  if (current === undefined || BigInt(offset) > BigInt(current)) offsets.set(partition, offset);
}

/** The larger offset of two maps, per partition. */
export function highest(...maps: ReadonlyArray<ReadonlyMap<string, string>>): Map<string, string> {
  const result = new Map<string, string>();
  for (const map of maps) for (const [partition, offset] of map) raise(result, partition, offset);
  return result;
}
