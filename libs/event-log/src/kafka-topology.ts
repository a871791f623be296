import type { Stream } from '@grantline/lib-events';

/**
 * Topic settings per stream (see docs/decisions/0002-topic-layout.md). The replication
 * factor is a deployment choice: 1 on a laptop, 3 in production with min.insync.replicas 2.
 */
export interface TopicSpec {
  stream: Stream;
  partitions: number;
  config: Record<string, string>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The tokens topic's retention when none is given: the default of GRANTLINE_TOKENS_RETENTION. */
export const DEFAULT_TOKENS_RETENTION_MS = 30 * DAY_MS;

/**
 * The topics a deployment needs. `tokensRetentionMs` must outlast everything a revocation on
 * the tokens topic revokes; the configuration refuses a shorter one (see the decision record).
 */
export function topicSpecs(tokensRetentionMs: number = DEFAULT_TOKENS_RETENTION_MS): TopicSpec[] {
  if (!Number.isSafeInteger(tokensRetentionMs) || tokensRetentionMs <= 0) {
    throw new RangeError(`the tokens topic's retention must be a positive number of ms, not ${tokensRetentionMs}`);
  }
  return [
    // Keyed by client id; every event carries the whole client, so compaction keeps a full history's result.
    { stream: 'clients', partitions: 3, config: { 'cleanup.policy': 'compact' } },
    // Keyed by user id, or user and client for consents; events carry the whole record, so compaction keeps the state.
    { stream: 'users', partitions: 3, config: { 'cleanup.policy': 'compact' } },
    // Keyed by token, grant or sign-in id; kept longer than any token lives, so revocations rebuild from the log.
    {
      stream: 'tokens',
      partitions: 6,
      config: { 'cleanup.policy': 'delete', 'retention.ms': String(tokensRetentionMs) },
    },
  ];
}

export function topicName(prefix: string, stream: Stream): string {
  return `${prefix}${stream}`;
}

/** The settings of the dead-letter topic, which holds the records a consumer could not read. */
export interface DeadLetterTopicSpec {
  partitions: number;
  config: Record<string, string>;
}

/**
 * Dead letters are rare and wait for a person, so one partition keeps them in the order they
 * arrived, for a year. A dead letter is its record plus about a kilobyte of headers: the larger
 * message limit keeps a record that was near the broker's default limit from being refused here,
 * which would stop the consumer that found it.
 */
export const deadLetterTopicSpec: DeadLetterTopicSpec = {
  partitions: 1,
  config: {
    'cleanup.policy': 'delete',
    'retention.ms': String(365 * DAY_MS),
    'max.message.bytes': String(2 * 1024 * 1024),
  },
};

export function deadLetterTopicName(prefix: string): string {
  return `${prefix}dead-letter`;
}
