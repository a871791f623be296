import { DEAD_LETTER_MESSAGE, deadLetterLogFields, type DeadLetterObserver } from '@grantline/lib-event-log';
import type { Logger } from '@grantline/lib-http';
import type { GrantlineMetrics } from '@grantline/lib-telemetry';

/**
 * What a consumer service does when the log moves an unreadable record to the dead-letter topic:
 * one error line (where it came from and why, never the value, which may carry secrets) and one
 * count in `grantline_events_dead_lettered{consumer,reason}`.
 */
export function deadLetterReporter(consumer: string, logger: Logger, metrics: GrantlineMetrics): DeadLetterObserver {
  return (note) => {
    metrics.eventDeadLettered(consumer, note.reason);
    logger.error(deadLetterLogFields(note), DEAD_LETTER_MESSAGE);
  };
}
