import { streams } from '@grantline/lib-events';
import { KafkaEventLog } from '@grantline/lib-event-log';
import { infraFromEnv } from '../stack/stack-fixture';

const { kafkaBrokers } = infraFromEnv();
/** As many services as a stack starts at once, each creating its own namespace's topics. */
const AT_ONCE = 14;

it('answers offset requests at once after creating its topics, however many are created together', async () => {
  const run = Date.now().toString(36);
  const logs = Array.from(
    { length: AT_ONCE },
    (_, index) =>
      new KafkaEventLog({
        brokers: kafkaBrokers.split(','),
        clientId: `topic-creation-${index}`,
        topicPrefix: `tcreate${run}x${index}.`,
        appendTimeoutMs: 10_000,
      }),
  );
  try {
    const outcomes = await Promise.allSettled(
      logs.map(async (log) => {
        await log.ensureTopics(1);
        return log.lastOffsets(streams);
      }),
    );
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []));
    expect(failures).toEqual([]);
  } finally {
    await Promise.all(logs.map((log) => log.close()));
  }
}, 120_000);
