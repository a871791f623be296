import { streamOfEvent, type GrantlineEvent, type Stream } from '@grantline/lib-events';
import type { EventHandler } from './port';

/** Replays an in-order, single-partition log (embedded and memory adapters). */
export async function replayEntries(
  events: readonly GrantlineEvent[],
  streams: readonly Stream[],
  handler: EventHandler,
): Promise<number> {
  let count = 0;
  for (const [offset, event] of events.entries()) {
    const stream = streamOfEvent(event);
    if (!streams.includes(stream)) continue;
    await handler(event, { stream, partition: 0, offset: String(offset) });
    count += 1;
  }
  return count;
}
