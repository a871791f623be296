import type { EventLog } from '@grantline/lib-event-log';
import { streamOfEvent } from '@grantline/lib-events';
import type { Tracing } from '@grantline/lib-telemetry';

/**
 * The event log with every append as a producer span under the request that made it (spans
 * named after the stream, e.g. `send tokens`). The span covers the durable write, group commit
 * included, so its duration is what the request waited for Kafka.
 */
export function tracedEventLog(log: EventLog, tracing: Tracing): EventLog {
  return {
    append: (events) => {
      const streams = [...new Set(events.map(streamOfEvent))].join(',');
      return tracing.producing(`send ${streams}`, events.length, () => log.append(events));
    },
    subscribe: (options) => log.subscribe(options),
    replay: (streams, handler) => log.replay(streams, handler),
    ping: () => log.ping(),
    close: () => log.close(),
  };
}
