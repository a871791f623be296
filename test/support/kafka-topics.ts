import type { Kafka } from 'kafkajs';

/**
 * Deletes every topic whose name starts with `prefix`: the topics a test made under its own
 * namespace. Best effort, for clean-up: a broker that refuses leaves the topics behind.
 */
export async function deleteTopicsUnder(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
