import type {
  LoggedEvent,
  PositionedLog,
  PositionedSubscribeOptions,
  PositionedSubscription,
  StartAt,
} from '@grantline/lib-event-log';
import { stampEvent, streams, type Stream } from '@grantline/lib-events';
import { HeldCalls } from './held-calls';

/** A partition as position maps name it: `<stream>:<partition>`, e.g. `tokens:0`. */
export type PartitionName = `${Stream}:${number}`;

/** Offsets per partition, as a test writes them. */
export type Offsets = Partial<Record<PartitionName, string>>;

function entriesOf(offsets: Offsets): Array<[PartitionName, string]> {
  return Object.entries(offsets).flatMap(([name, offset]) =>
    offset === undefined ? [] : [[name as PartitionName, offset]],
  );
}

function parse(name: PartitionName): { stream: Stream; partition: number } {
  const [stream, partition] = name.split(':');
  const known = streams.find((candidate) => candidate === stream);
  if (!known) throw new Error(`not a stream: ${name}`);
  return { stream: known, partition: Number(partition) };
}

const OCCURRED_AT = new Date('2026-12-01T08:00:00.000Z');

/** The token whose revocation the event at a position records. */
export function revokedAt(name: PartitionName, offset: number): string {
  return `jti-${name}-${offset}`;
}

/** An event at a position; what it says does not matter to the supervisor. */
function loggedAt(name: PartitionName, offset: number): LoggedEvent {
  const jti = revokedAt(name, offset);
  const event = stampEvent(
    {
      type: 'AccessTokenRevoked',
      aggregate: { type: 'token', id: jti },
      data: { jti, clientId: 'billing', expiresAt: 4_000_000_000, revokedBy: null },
    },
    { now: () => OCCURRED_AT, newEventId: () => `event-${name}-${offset}` },
  );
  return { event, position: { ...parse(name), offset: String(offset) } };
}

/**
 * The positioned log in memory. Nothing is fetched by itself: a test hands the consumer each
 * batch with `deliver`, from where the supervisor last said to read, as the Kafka consumer would.
 */
export class MemoryPositionedLog implements PositionedLog {
  readonly held = new HeldCalls();
  /** What the supervisor recorded in the group, one entry per commit. */
  readonly commits: Array<Record<string, string>> = [];
  seeks = 0;
  closed = false;
  private subscribed: PositionedSubscribeOptions | undefined;
  private startAt: StartAt | undefined;
  private readonly committed: Map<string, string>;
  private readonly ends: Map<PartitionName, string>;

  /**
   * @param committed what the group committed as applied, per partition
   * @param ends the last offset in each partition
   */
  constructor(committed: Offsets = {}, ends: Offsets = {}) {
    this.committed = new Map(entriesOf(committed));
    this.ends = new Map(entriesOf(ends));
  }

  async subscribePositioned(options: PositionedSubscribeOptions): Promise<PositionedSubscription> {
    this.subscribed = options;
    this.startAt = options.startAt;
    return {
      seek: async (startAt) => {
        await this.held.pass('seek');
        this.startAt = startAt;
        this.seeks += 1;
      },
      commit: async (applied) => void this.commits.push(Object.fromEntries(applied)),
      close: async () => void (this.closed = true),
    };
  }

  async committedOffsets(): Promise<Map<string, string>> {
    return new Map(this.committed);
  }

  async lastOffsets(): Promise<Map<string, string>> {
    return new Map<string, string>(this.ends);
  }

  /** More events were appended: `partition` now ends at `offset`. */
  endsAt(partition: PartitionName, offset: number): void {
    this.ends.set(partition, String(offset));
  }

  /** Where the consumer reads `partition` next, as the supervisor says; undefined for its start. */
  nextRead(partition: PartitionName): string | undefined {
    const { stream, partition: number } = parse(partition);
    return this.startAt?.(stream, number);
  }

  /**
   * Hands over a fetched batch of `partition`: events at `offsets`, read through `through` (later
   * than the last event when the records after it were dead-lettered).
   */
  deliver(partition: PartitionName, offsets: readonly number[], through?: number): Promise<void> {
    if (!this.subscribed) throw new Error('nothing subscribed');
    const last = through ?? offsets.at(-1);
    if (last === undefined) throw new Error('a batch reads through some offset');
    const batch = offsets.map((offset) => loggedAt(partition, offset));
    return this.subscribed.handleBatch(batch, { ...parse(partition), offset: String(last) });
  }

  /** Reads every partition from where the supervisor says to its end, one batch each. */
  async readToEnd(): Promise<void> {
    for (const [partition, end] of this.ends) {
      const from = Number(this.nextRead(partition) ?? '0');
      const offsets = Array.from({ length: Math.max(0, Number(end) - from + 1) }, (_, index) => from + index);
      if (offsets.length > 0) await this.deliver(partition, offsets);
    }
  }
}
