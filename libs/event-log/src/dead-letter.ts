import type { IHeaders } from 'kafkajs';
import type { UnreadableReason } from './record-decoding';

/** A record a consumer could not read, with where it came from; key and value as they were. */
export interface DeadLetter {
  source: { topic: string; partition: number; offset: string; timestamp: string };
  groupId: string;
  reason: UnreadableReason;
  /** The zod issues (truncated), or what else made the record unreadable; never the value itself. */
  detail: string;
  key: Buffer | null;
  value: Buffer;
  headers: IHeaders;
}

/** Takes unreadable records; resolves only once they are durably stored. */
export interface DeadLetterSink {
  publish(letters: readonly DeadLetter[]): Promise<void>;
}

/** What is told about a stored dead letter: everything but its key, value and headers. */
export type DeadLetterNote = Pick<DeadLetter, 'source' | 'groupId' | 'reason' | 'detail'>;

/** Told of every dead letter once it is stored: for the error log and the dead-letter counter. */
export type DeadLetterObserver = (note: DeadLetterNote) => void;

export const DEAD_LETTER_MESSAGE = 'unreadable event moved to the dead-letter topic';

/** The fields a log line about a dead letter carries: where it came from and why, never the value. */
export function deadLetterLogFields(note: DeadLetterNote): Record<string, string | number> {
  return {
    consumerGroup: note.groupId,
    reason: note.reason,
    detail: note.detail,
    topic: note.source.topic,
    partition: note.source.partition,
    offset: note.source.offset,
  };
}

/**
 * The observer when none is given: one JSON line on stderr at pino's error level, so the
 * services' log pipeline sees it like their own error lines.
 */
export const logDeadLetterToStderr: DeadLetterObserver = (note) => {
  const line = { level: 50, time: Date.now(), msg: DEAD_LETTER_MESSAGE, ...deadLetterLogFields(note) };
  process.stderr.write(`${JSON.stringify(line)}\n`);
};
