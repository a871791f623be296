import {
  BatchingQueue,
  caughtUp,
  highest,
  partitionKey,
  raise,
  type LoggedEvent,
  type PositionedSubscription,
} from '@grantline/lib-event-log';
import { streams } from '@grantline/lib-events';
import { observedBatches, SerialSteps, systemPeriodicClock, type PeriodicClock } from '@grantline/lib-runtime';
import type { AuditConsumerOptions } from './audit-consumer-ports';
import { judgeAuditStore, refillTargets, type RefillReason } from './audit-store-verdict';

interface Refill {
  reason: RefillReason;
  startedAt: number;
  targets: Map<string, string>;
  events: number;
}

/**
 * Copies every event into the audit store, which keeps the last stored offset per partition
 * beside the entries (docs/decisions/0023). The consumer resumes from those positions, not from
 * the group's committed offsets, on every assignment. It compares them with what it knows was
 * stored every check interval and on every reconnect: positions that went back (a restore from
 * an older backup) or vanished (an emptied database) make it read again from the store's
 * positions, or the log's start, until the store holds again what it held. Its writes raise a
 * position only where it still stands as known, so a write landing between a restore and the next
 * check finds the gap instead of covering it.
 */
export class AuditConsumer {
  private subscription: PositionedSubscription | undefined;
  /** The store's positions as this consumer knows them: read at each check, raised by its own writes. */
  private known = new Map<string, string>();
  /** What this consumer stored itself: the forward-only note it commits to the group. */
  private readonly written = new Map<string, string>();
  private refill: Refill | undefined;
  /** Bumped on every seek, so an event fetched before it is not stored (nor its position raised) after it. */
  private epoch = 0;
  /** One step at a time: stores and checks never interleave. */
  private readonly steps = new SerialSteps();
  /** The batches of several partitions that arrive together are stored with one insert. */
  private readonly inserts = new BatchingQueue<{ entry: LoggedEvent; epoch: number }>((items) => this.store(items));
  private stopChecks: (() => void) | undefined;
  private stopped = false;
  private readonly clock: PeriodicClock;

  constructor(private readonly options: AuditConsumerOptions) {
    this.clock = options.clock ?? systemPeriodicClock;
  }

  async start(): Promise<void> {
    const { log, audit, groupId, telemetry } = this.options;
    // The group's commits trail what was stored: a store behind them was restored while no consumer ran.
    this.known = await log.committedOffsets(groupId, streams);
    await this.steps.run(() => this.check());
    const handle = observedBatches('audit', telemetry, (batch) => this.handle(batch));
    this.subscription = await log.subscribePositioned({
      groupId,
      streams,
      startAt: (stream, partition) => this.nextOffset(partitionKey(stream, partition)),
      handleBatch: (batch) => handle(batch),
      ...(this.options.onFatal ? { onFatal: this.options.onFatal } : {}),
    });
    audit.onReconnect?.(() => void this.steps.run(() => this.check()).catch(() => undefined));
    this.stopChecks = this.clock.every(this.options.checkIntervalMs, () => this.tick());
  }

  /** Whether the store is being refilled after a restore or an emptied database. */
  get refilling(): boolean {
    return this.refill !== undefined;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stopChecks?.();
    await this.steps.run(async () => this.subscription?.commit(this.written).catch(() => undefined));
    await this.subscription?.close();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.steps.run(() => this.check());
      await this.subscription?.commit(this.written);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'audit store check failed; trying again');
    }
  }

  private handle(batch: readonly LoggedEvent[]): Promise<void> {
    const epoch = this.epoch;
    return this.inserts.enqueue(batch.map((entry) => ({ entry, epoch })));
  }

  /** Stores what the partitions' batches of one turn brought together; events fetched before a seek are dropped. */
  private store(items: ReadonlyArray<{ entry: LoggedEvent; epoch: number }>): Promise<void> {
    return this.steps.run(async () => {
      if (this.stopped) return;
      const records = items.filter(({ epoch }) => epoch === this.epoch).map(({ entry }) => entry);
      if (records.length === 0) return;
      // A position that no longer stands where this consumer knows it stood is not raised: the check tells why.
      if (!(await this.options.audit.recordAll(records, this.known))) {
        await this.check();
        return;
      }
      for (const { position } of records) {
        const key = partitionKey(position.stream, position.partition);
        raise(this.known, key, position.offset);
        raise(this.written, key, position.offset);
      }
      if (this.refill) this.refill.events += records.length;
      this.endRefillWhenCaughtUp();
    });
  }

  /** Reads the stored positions and, when they fell behind what was stored, reads the log again from them. */
  private async check(): Promise<void> {
    // Taken before the read: whatever was stored by then must still be there.
    const expected = new Map(this.known);
    const stored = await this.options.audit.positions();
    const verdict = judgeAuditStore(stored, expected);
    if (verdict.kind === 'intact') {
      // Other replicas' writes, too: a later restore then shows in every partition.
      this.known = highest(this.known, stored);
      this.endRefillWhenCaughtUp();
      return;
    }
    this.options.logger.warn(
      { reason: verdict.reason, detail: verdict.detail },
      'audit store behind the log: refilling',
    );
    // A dropped database lost its unique index too: without it, the replay would store duplicates.
    if (verdict.reason === 'gone') await this.options.audit.prepare?.();
    const targets = refillTargets(expected, await this.options.log.lastOffsets(streams));
    this.refill = {
      reason: verdict.reason,
      startedAt: this.refill?.startedAt ?? this.clock.now(),
      targets: highest(this.refill?.targets ?? new Map(), targets),
      events: this.refill?.events ?? 0,
    };
    this.known = new Map(stored);
    await this.subscription?.seek((stream, partition) => this.nextOffset(partitionKey(stream, partition)));
    // After the seek is in place: a batch fetched before it still carries the old epoch and is dropped.
    this.epoch += 1;
    this.endRefillWhenCaughtUp();
  }

  private endRefillWhenCaughtUp(): void {
    const refill = this.refill;
    if (!refill || !caughtUp(this.known, refill.targets)) return;
    this.refill = undefined;
    const seconds = (this.clock.now() - refill.startedAt) / 1000;
    this.options.telemetry.metrics.auditRefilled(refill.reason, seconds);
    this.options.logger.info({ reason: refill.reason, events: refill.events, seconds }, 'audit store refilled');
  }

  /** The next offset to read in a partition, or undefined for the log's start. */
  private nextOffset(partition: string): string | undefined {
    const last = this.known.get(partition);
    return last === undefined ? undefined : String(BigInt(last) + 1n);
  }
}

/** Starts an audit consumer; close it to stop reading and record how far it got. */
export async function startAuditConsumer(options: AuditConsumerOptions): Promise<AuditConsumer> {
  const consumer = new AuditConsumer(options);
  await consumer.start();
  return consumer;
}
