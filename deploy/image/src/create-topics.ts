import { loadConfig } from '@grantline/lib-config';
import { topicName, topicSpecs } from '@grantline/lib-event-log';
import { kafkaEventLog } from '@grantline/lib-runtime';

/**
 * `topics`: the same call the admin service makes at start, run on its own so that a
 * deployment can create the topics (partitions, compaction, retention, min.insync.replicas)
 * before any service starts, e.g. from a Kubernetes Job or a Helm hook.
 */
export async function createTopics(write: (line: string) => void): Promise<void> {
  const config = loadConfig();
  const log = kafkaEventLog(config, 'grantline-topics');
  try {
    await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  } finally {
    await log.close();
  }
  for (const spec of topicSpecs(config.GRANTLINE_TOKENS_RETENTION * 1000)) {
    write(`${topicName(config.GRANTLINE_KAFKA_TOPIC_PREFIX, spec.stream)}: ready (${spec.partitions} partitions)`);
  }
}
