import { deadLetterTopicName, deadLetterTopicSpec, DEFAULT_TOKENS_RETENTION_MS, topicSpecs } from './kafka-topology';

const DAY_MS = 24 * 60 * 60 * 1000;
const tokensOf = (specs: ReturnType<typeof topicSpecs>) => specs.find((spec) => spec.stream === 'tokens');

describe('topicSpecs', () => {
  it('keeps the tokens topic 30 days by default, deleting by age', () => {
    expect(DEFAULT_TOKENS_RETENTION_MS).toBe(30 * DAY_MS);
    expect(tokensOf(topicSpecs())?.config).toEqual({
      'cleanup.policy': 'delete',
      'retention.ms': String(30 * DAY_MS),
    });
  });

  it('sets the tokens retention it is given, and leaves the compacted topics without one', () => {
    const specs = topicSpecs(45 * DAY_MS);
    expect(tokensOf(specs)?.config['retention.ms']).toBe(String(45 * DAY_MS));
    for (const stream of ['clients', 'users'] as const) {
      expect(specs.find((spec) => spec.stream === stream)?.config).toEqual({ 'cleanup.policy': 'compact' });
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a retention of %s', (retention) => {
    expect(() => topicSpecs(retention)).toThrow(RangeError);
  });
});

describe('the dead-letter topic', () => {
  it('sits beside the streams under the same prefix', () => {
    expect(deadLetterTopicName('grantline.')).toBe('grantline.dead-letter');
  });

  it('keeps its records a year, deleting by age, and takes records larger than the broker default', () => {
    expect(deadLetterTopicSpec).toEqual({
      partitions: 1,
      config: {
        'cleanup.policy': 'delete',
        'retention.ms': String(365 * DAY_MS),
        'max.message.bytes': String(2 * 1024 * 1024),
      },
    });
  });
});
