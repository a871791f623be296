import { KafkaEventLog } from '@grantline/lib-event-log';
import { streams } from '@grantline/lib-events';

/** How many AccessTokenIssued events a stack's log holds per jti, read from the start. */
export async function issuedEventsByJti(env: NodeJS.ProcessEnv, clientId: string): Promise<Map<string, number>> {
  const log = new KafkaEventLog({
    brokers: (env.KAFKA_BROKERS ?? '').split(','),
    clientId,
    topicPrefix: env.GRANTLINE_KAFKA_TOPIC_PREFIX ?? '',
    appendTimeoutMs: 10_000,
  });
  const counts = new Map<string, number>();
  try {
    await log.replay(streams, async (event) => {
      if (event.type === 'AccessTokenIssued') counts.set(event.data.jti, (counts.get(event.data.jti) ?? 0) + 1);
    });
  } finally {
    await log.close();
  }
  return counts;
}
