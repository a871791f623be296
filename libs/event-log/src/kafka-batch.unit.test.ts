import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { GrantlineEvent } from '@grantline/lib-events';
import { sampleEvents } from '@grantline/lib-events/testing';
import type { DeadLetter } from './dead-letter';
import { eventsOnly, handleKafkaBatch, type DeadLetterRoute } from './kafka-batch';
import type { LoggedEvent, LogPosition } from './port';

const [valid, later] = sampleEvents({ now: () => new Date('2026-03-01T12:00:00.000Z') }) as [
  GrantlineEvent,
  GrantlineEvent,
];

function message(offset: number, value: string): KafkaMessage {
  return {
    offset: String(offset),
    key: Buffer.from(`key-${offset}`),
    value: Buffer.from(value),
    timestamp: '1767225600000',
    attributes: 0,
    headers: { 'event-type': 'original' },
  } as KafkaMessage;
}

/** A fetched batch of partition 2 of `grantline.tokens`, recording what the handler marks. */
function fetched(messages: KafkaMessage[]) {
  const calls: string[] = [];
  const payload = {
    batch: {
      topic: 'grantline.tokens',
      partition: 2,
      messages,
      lastOffset: () => messages[messages.length - 1]?.offset ?? '-1',
    },
    isRunning: () => true,
    isStale: () => false,
    resolveOffset: (offset: string) => void calls.push(`resolved ${offset}`),
    heartbeat: async () => undefined,
  } as unknown as EachBatchPayload;
  return { payload, calls };
}

function route(calls: string[], fail = false): DeadLetterRoute & { letters: DeadLetter[] } {
  const letters: DeadLetter[] = [];
  return {
    groupId: 'grantline.audit',
    letters,
    sink: {
      publish: async (batch) => {
        if (fail) throw new Error('dead-letter topic unavailable');
        letters.push(...batch);
        calls.push(`dead-lettered ${batch.map((letter) => letter.source.offset).join(',')}`);
      },
    },
  };
}

const handler = (calls: string[]) => async (batch: readonly LoggedEvent[]) =>
  void calls.push(`handled ${batch.map((entry) => entry.position.offset).join(',')}`);

describe('handleKafkaBatch', () => {
  it('moves unreadable records to the dead-letter route and hands on the rest, then marks the batch consumed', async () => {
    const { payload, calls } = fetched([
      message(10, JSON.stringify(valid)),
      message(11, 'not json {'),
      message(12, JSON.stringify({ ...later, eventId: 'not-a-uuid' })),
      message(13, JSON.stringify(later)),
    ]);
    const deadLetters = route(calls);

    await handleKafkaBatch(payload, 'tokens', handler(calls), deadLetters);

    expect(calls).toEqual(['dead-lettered 11,12', 'handled 10,13', 'resolved 13']);
    expect(deadLetters.letters.map(({ reason, source, groupId }) => ({ reason, source, groupId }))).toEqual([
      {
        reason: 'not_json',
        groupId: 'grantline.audit',
        source: { topic: 'grantline.tokens', partition: 2, offset: '11', timestamp: '1767225600000' },
      },
      {
        reason: 'invalid_event',
        groupId: 'grantline.audit',
        source: { topic: 'grantline.tokens', partition: 2, offset: '12', timestamp: '1767225600000' },
      },
    ]);
    expect(deadLetters.letters[1]?.detail).toContain('eventId');
    expect(deadLetters.letters[0]?.value.toString()).toBe('not json {');
    expect(deadLetters.letters[0]?.key?.toString()).toBe('key-11');
  });

  it('leaves the batch unconsumed, and applies nothing, while the dead letters are not acknowledged', async () => {
    const { payload, calls } = fetched([message(10, JSON.stringify(valid)), message(11, '[]')]);

    await expect(handleKafkaBatch(payload, 'tokens', handler(calls), route(calls, true))).rejects.toThrow(
      'dead-letter topic unavailable',
    );
    expect(calls).toEqual([]);
  });

  it('fails the batch on an unreadable record when it has no dead-letter route', async () => {
    const { payload, calls } = fetched([message(10, JSON.stringify(valid)), message(11, '{}')]);

    await expect(handleKafkaBatch(payload, 'tokens', handler(calls))).rejects.toThrow(
      'unreadable event at grantline.tokens:2@11',
    );
    expect(calls).toEqual([]);
  });

  it('marks a batch of dead letters alone consumed without handing a plain handler an empty batch', async () => {
    const { payload, calls } = fetched([message(20, 'nope')]);
    await handleKafkaBatch(payload, 'tokens', eventsOnly(handler(calls)), route(calls));
    expect(calls).toEqual(['dead-lettered 20', 'resolved 20']);
  });

  it('tells a positioned handler where every batch ends, one of dead letters alone included', async () => {
    const { payload, calls } = fetched([message(20, JSON.stringify(valid)), message(21, 'nope')]);
    const ends: LogPosition[] = [];
    await handleKafkaBatch(
      payload,
      'tokens',
      async (batch, through) => {
        ends.push(through);
        calls.push(`handled ${batch.map((entry) => entry.position.offset).join(',')}`);
      },
      route(calls),
    );
    const alone = fetched([message(22, 'nope')]);
    await handleKafkaBatch(alone.payload, 'tokens', async (_, through) => void ends.push(through), route(alone.calls));
    expect(calls).toEqual(['dead-lettered 21', 'handled 20', 'resolved 21']);
    expect(ends).toEqual([
      { stream: 'tokens', partition: 2, offset: '21' },
      { stream: 'tokens', partition: 2, offset: '22' },
    ]);
  });

  it('keeps the consumer in its group while a slow handler runs, and after a rebalance lets the handler finish', async () => {
    jest.useFakeTimers();
    try {
      const { payload, calls } = fetched([message(30, JSON.stringify(valid))]);
      (payload as { heartbeat: () => Promise<void> }).heartbeat = async () => void calls.push('heartbeat');
      await handleKafkaBatch(payload, 'tokens', async () => {
        calls.push('handling');
        await jest.advanceTimersByTimeAsync(3_500);
        calls.push('handled');
      });
      expect(calls).toEqual(['handling', 'heartbeat', 'heartbeat', 'heartbeat', 'handled', 'resolved 30', 'heartbeat']);
      await jest.advanceTimersByTimeAsync(5_000);
      expect(calls.filter((call) => call === 'heartbeat')).toHaveLength(4);

      const rebalanced = fetched([message(31, JSON.stringify(valid))]);
      const refused = rebalanced.payload as { heartbeat: () => Promise<void> };
      refused.heartbeat = async () => {
        rebalanced.calls.push('refused');
        throw new Error('The group is rebalancing, so a rejoin is needed');
      };
      await handleKafkaBatch(rebalanced.payload, 'tokens', async () => {
        await jest.advanceTimersByTimeAsync(1_500);
        rebalanced.calls.push('handled');
      }).catch((error: unknown) => rebalanced.calls.push(String(error)));
      expect(rebalanced.calls).toEqual([
        'refused',
        'handled',
        'resolved 31',
        'refused',
        expect.stringContaining('rejoin'),
      ]);
    } finally {
      jest.useRealTimers();
    }
  });
});
