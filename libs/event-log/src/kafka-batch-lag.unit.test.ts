import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { GrantlineEvent } from '@grantline/lib-events';
import { sampleEvents } from '@grantline/lib-events/testing';
import { handleKafkaBatch, type DeadLetterRoute } from './kafka-batch';

const [event] = sampleEvents({ now: () => new Date('2026-03-01T12:00:00.000Z') }) as [GrantlineEvent];

/** A batch of partition 1 of `grantline.tokens` with offsets 40..41 of a partition whose high watermark is 100. */
function batchAt(stale = false) {
  const messages = [40, 41].map((offset) => ({ offset: String(offset), value: Buffer.from(JSON.stringify(event)) }));
  return {
    batch: {
      topic: 'grantline.tokens',
      partition: 1,
      messages: messages as KafkaMessage[],
      lastOffset: () => '41',
      offsetLag: () => '58',
    },
    isRunning: () => true,
    isStale: () => stale,
    resolveOffset: () => undefined,
    heartbeat: async () => undefined,
  } as unknown as EachBatchPayload;
}

function route(lags: unknown[][], order: string[] = []): DeadLetterRoute {
  return {
    groupId: 'grantline.projector',
    sink: { publish: async () => undefined },
    metrics: { lag: (...args) => void (order.push('lag'), lags.push(args)) },
  };
}

describe('handleKafkaBatch consumer lag', () => {
  it('reports what is left behind the high watermark once the batch is handled', async () => {
    const lags: unknown[][] = [];
    const order: string[] = [];
    await handleKafkaBatch(batchAt(), 'tokens', async () => void order.push('handled'), route(lags, order));
    expect(order).toEqual(['handled', 'lag']);
    expect(lags).toEqual([['grantline.projector', 'grantline.tokens', 1, 58]]);
  });

  it('reports nothing for a batch that a seek made stale, or when the handler fails', async () => {
    const lags: unknown[][] = [];
    await handleKafkaBatch(batchAt(true), 'tokens', async () => undefined, route(lags));
    await expect(
      handleKafkaBatch(batchAt(), 'tokens', async () => Promise.reject(new Error('redis down')), route(lags)),
    ).rejects.toThrow('redis down');
    expect(lags).toEqual([]);
  });
});
