import { validateForAppend, type GrantlineEvent, type Stream } from '@grantline/lib-events';
import { consecutiveRuns } from './logged-runs';
import { replayEntries } from './replay-entries';
import {
  EventLogUnavailableError,
  type EventHandler,
  type EventLog,
  type SubscribeOptions,
  type Subscription,
} from './port';

/** An in-process log for unit tests; `unavailable` makes every append fail like a lost broker. */
export class MemoryEventLog implements EventLog {
  readonly events: GrantlineEvent[] = [];
  unavailable = false;
  private readonly subscribers = new Set<SubscribeOptions>();

  async append(events: readonly GrantlineEvent[]): Promise<void> {
    const valid = validateForAppend(events);
    if (this.unavailable) throw new EventLogUnavailableError('memory log set unavailable');
    const first = this.events.length;
    this.events.push(...valid);
    for (const subscriber of this.subscribers) await this.deliver(subscriber, valid, first);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (options.fromBeginning) await this.deliver(options, this.events, 0);
    this.subscribers.add(options);
    return { close: async () => void this.subscribers.delete(options) };
  }

  replay(streams: readonly Stream[], handler: EventHandler): Promise<number> {
    return replayEntries(this.events, streams, handler);
  }

  async ping(): Promise<boolean> {
    return !this.unavailable;
  }

  async close(): Promise<void> {
    this.subscribers.clear();
  }

  private async deliver(options: SubscribeOptions, events: readonly GrantlineEvent[], first: number): Promise<void> {
    const entries = events.map((event, index) => ({ event, offset: first + index }));
    for (const batch of consecutiveRuns(entries, options.streams)) await options.handleBatch(batch);
  }
}
