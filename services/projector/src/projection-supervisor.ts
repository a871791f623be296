import {
  BatchingQueue,
  type LoggedEvent,
  type LogPosition,
  type PositionedSubscription,
} from '@grantline/lib-event-log';
import { streams } from '@grantline/lib-events';
import { SerialSteps, systemPeriodicClock, type PeriodicClock } from '@grantline/lib-runtime';
import { GenerationLostError, type ProjectionPointer } from '@grantline/lib-projections';
import { dropUnusedGenerations } from './generation-cleanup';
import { PartitionPositions } from './partition-positions';
import { judgeStore, type StoreVerdict } from './store-verdict';
import type { SupervisorOptions } from './supervisor-ports';

/** Events applied in one script call at most, so one call never holds Redis for long. */
const APPLY_CHUNK = 500;

interface Rebuild {
  reason: 'lost' | 'regressed' | 'resumed';
  startedAt: number;
  targets: Map<string, string>;
  events: number;
}

/**
 * Projects the log into Redis and keeps the projection honest (docs/decisions/0018): it resumes
 * from the positions stored with the data, notices within one check interval (or at once, on a
 * reconnect) when the store lost data or went back in time, marks it rebuilding so readers
 * answer 503, replays, and reopens it once every partition has caught up. A Redis server process
 * it has not checked yet is recorded for readers only once it holds the log to its end.
 */
export class ProjectionSupervisor {
  private subscription: PositionedSubscription | undefined;
  private mine: string | undefined;
  private readonly positions = new PartitionPositions();
  private rebuild: Rebuild | undefined;
  /** Bumped on every seek, so an event fetched before it is not applied after it. */
  private epoch = 0;
  /** One step at a time: applies and checks never interleave. */
  private readonly steps = new SerialSteps();
  /** The batches of several partitions that arrive together go to Redis in one script call. */
  private readonly applies = new BatchingQueue<{ entry: LoggedEvent; epoch: number }>((items) =>
    this.applyCoalesced(items),
  );
  /**
   * The last Redis server process (`run_id`) a check ran against to its end: the store held the
   * log, or the rebuild the check started brings it there. Recorded for readers once none runs.
   */
  private checkedIn: string | undefined;
  private stopChecks: (() => void) | undefined;
  private stopped = false;
  private readonly clock: PeriodicClock;

  constructor(private readonly options: SupervisorOptions) {
    this.clock = options.clock ?? systemPeriodicClock;
  }

  async start(): Promise<void> {
    const { log, control, groupId } = this.options;
    this.positions.startFrom(await log.committedOffsets(groupId, streams));
    await this.steps.run(() => this.check());
    this.subscription = await log.subscribePositioned({
      groupId,
      streams,
      startAt: (stream, partition) => this.positions.nextOffset(stream, partition),
      handleBatch: (batch, through) => this.handle(batch, through),
      ...(this.options.onFatal ? { onFatal: this.options.onFatal } : {}),
    });
    control.onReconnect(() => void this.steps.run(() => this.check()).catch(() => undefined));
    this.stopChecks = this.clock.every(this.options.checkIntervalMs, () => this.tick());
  }

  /** Whether the projection is being rebuilt now. */
  get rebuilding(): boolean {
    return this.rebuild !== undefined;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stopChecks?.();
    await this.steps.run(async () => this.subscription?.commit(this.positions.applied).catch(() => undefined));
    await this.subscription?.close();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.steps.run(() => this.check());
      await this.subscription?.commit(this.positions.applied);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'projection check failed; trying again');
    }
  }

  /**
   * Hands a partition's batch to the coalescer; resolves once it is applied (or dropped by a
   * seek). Then notes how far the partition was read, which may end a rebuild.
   */
  private async handle(batch: readonly LoggedEvent[], through: LogPosition): Promise<void> {
    const epoch = this.epoch;
    if (batch.length > 0) await this.applies.enqueue(batch.map((entry) => ({ entry, epoch })));
    // Only a rebuild waits on how far a partition was read; a rebuild that starts later begins a new epoch.
    if (!this.rebuild) return;
    await this.steps.run(async () => {
      if (epoch !== this.epoch || this.stopped) return;
      this.positions.notePassed(through);
      await this.reopenWhenCaughtUp();
    });
  }

  /**
   * Applies what the partitions' batches of one turn brought together, in chunks of at most
   * APPLY_CHUNK events, one script call each. Events fetched before a seek are dropped.
   */
  private async applyCoalesced(items: ReadonlyArray<{ entry: LoggedEvent; epoch: number }>): Promise<void> {
    for (let start = 0; start < items.length; start += APPLY_CHUNK) {
      const applied = await this.steps.run(async () => {
        if (this.mine === undefined || this.stopped) return false;
        const chunk = items
          .slice(start, start + APPLY_CHUNK)
          .filter(({ epoch }) => epoch === this.epoch)
          .map(({ entry }) => entry);
        if (chunk.length === 0) return true;
        try {
          await this.options.telemetry.tracing.inEvents(
            chunk.length === 1 ? `projector ${chunk[0]?.event.type}` : `projector ${chunk.length} events`,
            chunk.map(({ event }) => event.traceContext.traceparent),
            () => this.options.control.applyTo(this.mine as string, chunk),
          );
        } catch (error) {
          // The generation vanished under us (a flush, a replaced store): check now; the seek replays these events.
          if (error instanceof GenerationLostError) {
            await this.check();
            return false;
          }
          throw error;
        }
        const now = this.clock.now();
        for (const { event, position } of chunk) {
          this.positions.noteApplied(position);
          this.options.telemetry.metrics.eventApplied(
            'projector',
            event.type,
            (now - Date.parse(event.occurredAt)) / 1000,
          );
        }
        if (this.rebuild) this.rebuild.events += chunk.length;
        await this.reopenWhenCaughtUp();
        return true;
      });
      if (!applied) return;
    }
  }

  /**
   * Reads the pointer and this generation's positions, and acts on what they say. Then records
   * the server process the check read from as checked, so readers talking to it may serve; while
   * a rebuild runs, only once it has caught up.
   */
  private async check(): Promise<void> {
    const { control, log } = this.options;
    // Taken before the reads: anything applied before this point is already in the store. Once
    // writing, what this projector wrote into its generation is what the store must still hold;
    // at start, what the group committed as applied.
    const applied = this.positions.expected(this.mine !== undefined);
    // Also before the reads: a restart after this point leaves the old run_id recorded, which
    // the new process's readers refuse until the check that the reconnect starts.
    const incarnation = await control.incarnation();
    const pointer = await control.pointer();
    const positions = pointer ? await control.positions(pointer.generation) : null;
    // A process nobody vouches for may come from a snapshot taken after the last commit, missing
    // events applied and markers written through since: it must hold the log as it ends now.
    const vouched = pointer?.incarnation === incarnation || this.checkedIn === incarnation;
    const logEnds = pointer && !vouched ? this.positions.targets(await log.lastOffsets(streams)) : undefined;
    await this.act(judgeStore({ mine: this.mine, pointer, positions, applied, logEnds }), pointer);
    this.checkedIn = incarnation;
    if (this.mine === undefined || this.rebuild) return;
    if (pointer?.generation !== this.mine || pointer.incarnation !== incarnation) {
      await control.validated(this.mine, incarnation);
    }
  }

  private async act(verdict: StoreVerdict, pointer: ProjectionPointer | null): Promise<void> {
    const { control, logger } = this.options;
    switch (verdict.kind) {
      case 'healthy':
        await this.reopenWhenCaughtUp();
        return;
      case 'lost': {
        logger.warn({ reason: verdict.reason }, 'projection lost: rebuilding it from the start of the log');
        const generation = await control.begin({ activate: true });
        await this.moveTo(generation, new Map(), 'lost');
        void dropUnusedGenerations(control, logger, () => this.mine);
        return;
      }
      case 'regressed':
        logger.warn({ reason: verdict.reason, generation: verdict.generation }, 'projection behind the log: replaying');
        await control.setState(verdict.generation, 'rebuilding');
        await this.moveTo(verdict.generation, verdict.positions, 'regressed');
        return;
      case 'adopt': {
        const previous = this.mine;
        const resumed = pointer?.state === 'rebuilding' ? 'resumed' : undefined;
        await this.moveTo(verdict.generation, verdict.positions, resumed);
        if (previous !== undefined) {
          logger.info({ generation: verdict.generation, previous }, 'projection switched to a rebuilt generation');
        }
        void dropUnusedGenerations(control, logger, () => this.mine);
        return;
      }
    }
  }

  /** Writes to `generation` from `positions` on; with a reason, tracks a rebuild until caught up. */
  private async moveTo(generation: string, positions: Map<string, string>, reason?: Rebuild['reason']): Promise<void> {
    this.mine = generation;
    this.positions.resetTo(positions);
    this.rebuild = reason
      ? {
          reason,
          startedAt: this.clock.now(),
          targets: this.positions.targets(await this.options.log.lastOffsets(streams)),
          events: 0,
        }
      : undefined;
    await this.subscription?.seek((stream, partition) => this.positions.nextOffset(stream, partition));
    // After the seek is in place: a batch fetched before it, handed over while the seek looked up
    // the partitions' starts, still carries the old epoch and is dropped, never applied here.
    this.epoch += 1;
    await this.reopenWhenCaughtUp();
  }

  private async reopenWhenCaughtUp(): Promise<void> {
    const rebuild = this.rebuild;
    if (!rebuild || this.mine === undefined || !this.positions.reached(rebuild.targets)) return;
    await this.options.control.setState(this.mine, 'ready');
    this.rebuild = undefined;
    // A restart since the check leaves another run_id recorded than the new process's: still refused.
    if (this.checkedIn !== undefined) await this.options.control.validated(this.mine, this.checkedIn);
    const seconds = (this.clock.now() - rebuild.startedAt) / 1000;
    this.options.telemetry.metrics.projectionRebuilt(rebuild.reason, seconds);
    this.options.logger.info(
      { reason: rebuild.reason, generation: this.mine, events: rebuild.events, seconds },
      'projection rebuilt and open again',
    );
  }
}
