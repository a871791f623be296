import { ConfigResourceTypes, type Admin } from 'kafkajs';

/** A topic that may delete events a rebuild still needs. */
export class TopicRetentionError extends Error {
  override readonly name = 'TopicRetentionError';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Throws TopicRetentionError unless the existing `topic` keeps every event for at least
 * `requiredMs`: its effective `retention.ms` (the topic's own or the broker's default) must be
 * -1 (forever) or no shorter, and `retention.bytes` must be -1, since a size limit deletes old
 * segments whatever their age. The topic must exist.
 */
export async function assertTopicRetention(
  admin: Pick<Admin, 'describeConfigs'>,
  topic: string,
  requiredMs: number,
): Promise<void> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'retention.bytes'] }],
  });
  const resource = resources.find((candidate) => candidate.resourceName === topic);
  if (!resource || resource.errorCode !== 0) {
    throw new Error(`could not read the settings of Kafka topic ${topic}: ${resource?.errorMessage ?? 'no answer'}`);
  }
  const value = (name: string): number | undefined => {
    const entry = resource.configEntries.find((candidate) => candidate.configName === name);
    return entry === undefined ? undefined : Number(entry.configValue);
  };
  const why =
    'revocations older than that would be missing when the projections are rebuilt from Kafka, and the tokens ' +
    'they revoke would work again';
  const alter = (setting: string) =>
    `kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name ${topic} ` +
    `--add-config ${setting}`;
  const retentionMs = value('retention.ms');
  if (retentionMs === undefined || Number.isNaN(retentionMs)) {
    throw new TopicRetentionError(`Kafka topic ${topic} did not report its retention.ms, so its retention is unknown`);
  }
  if (retentionMs !== -1 && retentionMs < requiredMs) {
    throw new TopicRetentionError(
      `Kafka topic ${topic} keeps events for ${duration(retentionMs)} (retention.ms=${retentionMs}), less than the ` +
        `${duration(requiredMs)} required (${requiredMs} ms; GRANTLINE_TOKENS_RETENTION for the tokens topic): ${why}. ` +
        `Raise it with \`${alter(`retention.ms=${requiredMs}`)}\`; an existing topic keeps the retention it was ` +
        'created with.',
    );
  }
  const retentionBytes = value('retention.bytes');
  if (retentionBytes !== undefined && retentionBytes !== -1) {
    throw new TopicRetentionError(
      `Kafka topic ${topic} has retention.bytes=${retentionBytes}, so it deletes its oldest events once a ` +
        `partition grows past that size, however recent they are: ${why}. Remove the limit with ` +
        `\`${alter('retention.bytes=-1')}\`.`,
    );
  }
}

function duration(ms: number): string {
  const days = Number((ms / DAY_MS).toFixed(2));
  if (days >= 1) return days === 1 ? '1 day' : `${days} days`;
  return `${Number((ms / 1000).toFixed(3))} s`;
}
