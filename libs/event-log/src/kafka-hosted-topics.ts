import type { Kafka } from 'kafkajs';

/** How long topics just created may take before every partition answers. */
const HOSTED_WITHIN_MS = 30_000;
const RETRY_EVERY_MS = 200;

/**
 * Waits until the broker hosts every partition of topics it has just created. Under load, a
 * broker answers "does not host this topic-partition" (UNKNOWN_TOPIC_OR_PARTITION) for a while
 * after creating a topic, to metadata and offset requests alike; kafkajs's own wait for leaders
 * gives up on that answer, which failed the start of a service that had just created its topics.
 */
export async function awaitHostedTopics(
  admin: ReturnType<Kafka['admin']>,
  topics: readonly string[],
  withinMs = HOSTED_WITHIN_MS,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (!isNotHostedYet(error) || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
      }
    }
  }
}

/**
 * Whether an error says a partition is not (yet) served by the broker asked, which time cures.
 * kafkajs wraps the broker's answer once its own retries run out (`originalError`).
 */
export function isNotHostedYet(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const { type } = current as { type?: unknown };
    if (typeof type === 'string' && NOT_HOSTED_YET.has(type)) return true;
    if (/does not host this topic-partition/.test(current.message)) return true;
    current = (current as { originalError?: unknown }).originalError ?? current.cause;
  }
  return false;
}

const NOT_HOSTED_YET = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);
