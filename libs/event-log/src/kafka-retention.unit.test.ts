import { ConfigResourceTypes, type Admin } from 'kafkajs';
import { assertTopicRetention, TopicRetentionError } from './kafka-retention';

const DAY_MS = 24 * 60 * 60 * 1000;
type Describe = Admin['describeConfigs'];

function adminReporting(settings: Record<string, string>, errorCode = 0): { describeConfigs: jest.Mock } {
  return {
    describeConfigs: jest.fn<ReturnType<Describe>, Parameters<Describe>>(async ({ resources }) => ({
      throttleTime: 0,
      resources: resources.map((resource) => ({
        resourceName: resource.name,
        resourceType: resource.type,
        errorCode,
        errorMessage: errorCode === 0 ? '' : 'This server does not host this topic-partition.',
        configEntries: Object.entries(settings).map(([configName, configValue]) => ({
          configName,
          configValue,
          isDefault: false,
          configSource: 1,
          isSensitive: false,
          readOnly: false,
          configSynonyms: [],
        })),
      })),
    })),
  };
}

describe('assertTopicRetention', () => {
  it('reads retention.ms and retention.bytes of the topic', async () => {
    const admin = adminReporting({ 'retention.ms': String(30 * DAY_MS), 'retention.bytes': '-1' });
    await assertTopicRetention(admin, 'p.tokens', 30 * DAY_MS);
    expect(admin.describeConfigs).toHaveBeenCalledWith({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: 'p.tokens', configNames: ['retention.ms', 'retention.bytes'] },
      ],
    });
  });

  it('accepts a longer retention, and -1 (forever)', async () => {
    await expect(
      assertTopicRetention(adminReporting({ 'retention.ms': String(90 * DAY_MS) }), 't', DAY_MS),
    ).resolves.toBeUndefined();
    await expect(assertTopicRetention(adminReporting({ 'retention.ms': '-1' }), 't', DAY_MS)).resolves.toBeUndefined();
  });

  it('refuses a shorter retention, naming both and the command that fixes it', async () => {
    const check = assertTopicRetention(adminReporting({ 'retention.ms': String(7 * DAY_MS) }), 'p.tokens', 30 * DAY_MS);
    await expect(check).rejects.toThrow(TopicRetentionError);
    await expect(check).rejects.toThrow(
      `Kafka topic p.tokens keeps events for 7 days (retention.ms=${7 * DAY_MS}), less than the 30 days required (${30 * DAY_MS} ms; GRANTLINE_TOKENS_RETENTION for the tokens topic)`,
    );
    await expect(check).rejects.toThrow(
      `--alter --entity-type topics --entity-name p.tokens --add-config retention.ms=${30 * DAY_MS}`,
    );
  });

  it('refuses a size limit, which deletes events whatever their age', async () => {
    const admin = adminReporting({ 'retention.ms': '-1', 'retention.bytes': '1073741824' });
    await expect(assertTopicRetention(admin, 'p.tokens', DAY_MS)).rejects.toThrow(
      /retention\.bytes=1073741824.*--add-config retention\.bytes=-1/,
    );
  });

  it('fails when the broker cannot describe the topic', async () => {
    await expect(assertTopicRetention(adminReporting({}, 3), 'p.tokens', DAY_MS)).rejects.toThrow(
      'could not read the settings of Kafka topic p.tokens: This server does not host this topic-partition.',
    );
  });
});
