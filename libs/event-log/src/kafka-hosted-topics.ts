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

/** Whether an error says a partition is not (yet) served by the broker asked, which time cures. */
export function isNotHostedYet(error: unknown): boolean {
  const { type, retriable } = error as { type?: unknown; retriable?: unknown };
  return (
    type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
    type === 'LEADER_NOT_AVAILABLE' ||
    type === 'NOT_LEADER_FOR_PARTITION' ||
    (retriable === true && /does not host this topic-partition/.test(String((error as Error).message)))
  );
}
