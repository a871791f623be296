import { sampleEvents } from '@grantline/lib-events/testing';
import { KafkaEventLog } from './kafka-event-log';

it('records a failed produce request once, with its events and the kind of error', async () => {
  const sent: Array<{ seconds: number; events: number; errorType?: string }> = [];
  // Nothing listens on port 1: the producer cannot connect.
  const log = new KafkaEventLog({
    brokers: ['127.0.0.1:1'],
    clientId: 'produce-metrics-test',
    topicPrefix: 'unused.',
    appendTimeoutMs: 20_000,
    metrics: {
      sent: (seconds, events, errorType) => void sent.push({ seconds, events, ...(errorType ? { errorType } : {}) }),
      lag: () => undefined,
    },
  });
  const events = sampleEvents({ now: () => new Date() }).slice(0, 2);
  try {
    await expect(log.append(events)).rejects.toThrow('event log unavailable');
  } finally {
    await log.close();
  }
  expect(sent).toEqual([{ seconds: expect.any(Number), events: 2, errorType: expect.stringMatching(/^KafkaJS/) }]);
  expect(sent[0]?.seconds).toBeGreaterThan(0);
});
