import { caughtUp, highest, partitionKey, raise, type LogPosition } from '@grantline/lib-event-log';

/**
 * How far the projector is in each partition (`<stream>:<partition>` → offset), in the three
 * senses a supervisor tells apart: what the store holds, what was applied anywhere, and what was
 * only read.
 */
export class PartitionPositions {
  /** The store's positions as this projector knows them (what it read, plus what it applied). */
  private stored = new Map<string, string>();
  /** The highest offset known applied anywhere: the group's commits and this projector's work. */
  private appliedAnywhere = new Map<string, string>();
  /**
   * Since the last seek, how far each partition was read and handled: beyond `stored` where a
   * partition ends in records that are no events (dead-lettered), which a rebuild must count as
   * reached. Never written to the store: its positions name the last event applied.
   */
  private passed = new Map<string, string>();

  /** Starts from what the consumer group committed as applied. */
  startFrom(committed: Map<string, string>): void {
    this.appliedAnywhere = committed;
  }

  /** What the group should record as applied: the live map, read when the commit runs. */
  get applied(): ReadonlyMap<string, string> {
    return this.appliedAnywhere;
  }

  /**
   * What the store must hold at least: once writing, what this projector wrote into its
   * generation; before, what the group committed as applied. A copy, taken now.
   */
  expected(writing: boolean): Map<string, string> {
    return new Map(writing ? this.stored : this.appliedAnywhere);
  }

  /** Starts over from a generation's positions, forgetting what was only read. */
  resetTo(positions: ReadonlyMap<string, string>): void {
    this.stored = new Map(positions);
    this.passed = new Map();
  }

  /** An event was applied into the store at this position. */
  noteApplied(position: LogPosition): void {
    const key = partitionKey(position.stream, position.partition);
    raise(this.stored, key, position.offset);
    raise(this.appliedAnywhere, key, position.offset);
  }

  /** A partition was read and handled through this position (an event or not). */
  notePassed(through: LogPosition): void {
    raise(this.passed, partitionKey(through.stream, through.partition), through.offset);
  }

  /** Where a rebuild must reach: the higher of what was applied anywhere and where the log ends. */
  targets(logEnds: ReadonlyMap<string, string>): Map<string, string> {
    return highest(this.appliedAnywhere, logEnds);
  }

  /** Whether every partition was stored or read through its target. */
  reached(targets: ReadonlyMap<string, string>): boolean {
    return caughtUp(highest(this.stored, this.passed), targets);
  }

  /** The next offset to read in a partition, or undefined for its start. */
  nextOffset(stream: string, partition: number): string | undefined {
    const last = this.stored.get(partitionKey(stream, partition));
    return last === undefined ? undefined : String(BigInt(last) + 1n);
  }
}
