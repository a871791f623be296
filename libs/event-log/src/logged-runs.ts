import { streamOfEvent, type GrantlineEvent, type Stream } from '@grantline/lib-events';
import type { LoggedEvent } from './port';

/**
 * Splits events of a single-partition log into batches of consecutive events of one stream,
 * skipping streams not asked for, so handing the batches over in turn keeps the log's order.
 */
export function consecutiveRuns(
  entries: ReadonlyArray<{ event: GrantlineEvent; offset: number }>,
  wanted: readonly Stream[],
): LoggedEvent[][] {
  const runs: LoggedEvent[][] = [];
  let current: LoggedEvent[] | undefined;
  for (const { event, offset } of entries) {
    const stream = streamOfEvent(event);
    if (!wanted.includes(stream)) continue;
    if (current?.[0]?.position.stream !== stream) {
      current = [];
      runs.push(current);
    }
    current.push({ event, position: { stream, partition: 0, offset: String(offset) } });
  }
  return runs;
}
