import { streamOfEvent, type GrantlineEvent, type Stream } from '@grantline/lib-events';
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
    if (this.unavailable) throw new EventLogUnavailableError('memory log set unavailable');
    for (const event of events) {
      const offset = this.events.push(event) - 1;
      for (const subscriber of this.subscribers) await this.deliver(subscriber, event, offset);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (options.fromBeginning) {
      for (const [offset, event] of this.events.entries()) await this.deliver(options, event, offset);
    }
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

  private async deliver(options: SubscribeOptions, event: GrantlineEvent, offset: number): Promise<void> {
    const stream = streamOfEvent(event);
    if (options.streams.includes(stream))
      await options.handler(event, { stream, partition: 0, offset: String(offset) });
  }
}
