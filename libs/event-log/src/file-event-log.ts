import { closeSync, existsSync, fdatasync, mkdirSync, openSync, readFileSync, write } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { parseEvent, validateForAppend, type GrantlineEvent, type Stream } from '@grantline/lib-events';
import { BatchingQueue } from './batching-producer';
import { consecutiveRuns } from './logged-runs';
import { replayEntries } from './replay-entries';
import {
  EventLogUnavailableError,
  type EventHandler,
  type EventLog,
  type SubscribeOptions,
  type Subscription,
} from './port';

const writeAsync = promisify(write) as (
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
) => Promise<{ bytesWritten: number }>;
const fdatasyncAsync = promisify(fdatasync);

/**
 * The embedded log: one append-only JSON-lines file in a data folder, fsynced on every
 * append. One process owns it; subscribers in that process see every event in order.
 */
export class FileEventLog implements EventLog {
  private readonly path: string;
  private fd: number | undefined;
  private lineCount = 0;
  private readonly listeners = new Set<SubscribeOptions>();
  private delivery: Promise<void> = Promise.resolve();
  /** Group commit: appends that arrive while an fsync runs share the next one. */
  private readonly writes = new BatchingQueue<GrantlineEvent[]>(async (batches) => this.writeBatches(batches));

  constructor(directory: string) {
    mkdirSync(directory, { recursive: true });
    this.path = join(directory, 'events.jsonl');
    this.lineCount = this.readAll().length;
    this.fd = openSync(this.path, 'a');
  }

  async append(events: readonly GrantlineEvent[]): Promise<void> {
    const valid = validateForAppend(events);
    if (this.fd === undefined) throw new EventLogUnavailableError('event log is closed');
    if (valid.length === 0) return;
    await this.writes.enqueue([valid]);
  }

  private async writeBatches(batches: GrantlineEvent[][]): Promise<void> {
    const events = batches.flat();
    if (this.fd === undefined) throw new EventLogUnavailableError('event log is closed');
    const firstOffset = this.lineCount;
    try {
      // Asynchronous, so requests keep being served (and batched) while the disk syncs.
      const data = Buffer.from(events.map((event) => JSON.stringify(event) + '\n').join(''));
      for (let written = 0; written < data.length;) {
        written += (await writeAsync(this.fd, data, written, data.length - written)).bytesWritten;
      }
      await fdatasyncAsync(this.fd);
    } catch (error) {
      throw new EventLogUnavailableError('could not write the event log', { cause: error });
    }
    this.lineCount += events.length;
    const positioned = events.map((event, index) => ({ event, offset: firstOffset + index }));
    // Projections are applied before the appenders resume, so the embedded mode reads its writes.
    const delivered = this.delivery.then(() => this.deliver(positioned));
    this.delivery = delivered.catch(() => undefined);
    await delivered;
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (options.fromBeginning) {
      await this.deliverTo(
        options,
        this.readAll().map((event, offset) => ({ event, offset })),
      );
    }
    this.listeners.add(options);
    return { close: async () => void this.listeners.delete(options) };
  }

  replay(streams: readonly Stream[], handler: EventHandler): Promise<number> {
    return replayEntries(this.readAll(), streams, handler);
  }

  async ping(): Promise<boolean> {
    return this.fd !== undefined;
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.listeners.clear();
  }

  private readAll(): GrantlineEvent[] {
    if (!existsSync(this.path)) return [];
    const lines = readFileSync(this.path, 'utf8').split('\n');
    // A crash mid-write can leave a torn last line; it was never acknowledged, so drop it.
    return lines
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [parseEvent(JSON.parse(line))];
        } catch {
          return [];
        }
      });
  }

  private async deliver(entries: Array<{ event: GrantlineEvent; offset: number }>): Promise<void> {
    for (const listener of this.listeners) await this.deliverTo(listener, entries);
  }

  private async deliverTo(
    listener: SubscribeOptions,
    entries: ReadonlyArray<{ event: GrantlineEvent; offset: number }>,
  ): Promise<void> {
    for (const batch of consecutiveRuns(entries, listener.streams)) await listener.handleBatch(batch);
  }
}
