import type { Producer, ProducerRecord } from 'kafkajs';
import type { DeadLetter, DeadLetterNote } from './dead-letter';
import { deadLetterHeaderNames, KafkaDeadLetterSink } from './kafka-dead-letter-sink';

const letter: DeadLetter = {
  source: { topic: 'grantline.tokens', partition: 4, offset: '812', timestamp: '1767225600000' },
  groupId: 'grantline.projector',
  reason: 'invalid_event',
  detail: 'eventId: Invalid UUID',
  key: Buffer.from('jti-1'),
  value: Buffer.from([0x7b, 0x00, 0xff]),
  headers: {
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    [deadLetterHeaderNames.reason]: 'forged',
  },
};

function recordingProducer(sent: ProducerRecord[]): Producer {
  return { send: async (record: ProducerRecord) => void sent.push(record) } as unknown as Producer;
}

describe('KafkaDeadLetterSink', () => {
  it('publishes the record unchanged with where it came from and why, acknowledged by every in-sync replica', async () => {
    const sent: ProducerRecord[] = [];
    const notes: DeadLetterNote[] = [];
    const sink = new KafkaDeadLetterSink(
      async () => recordingProducer(sent),
      'grantline.dead-letter',
      (note) => notes.push(note),
      () => new Date('2026-03-01T12:00:00.000Z'),
    );

    await sink.publish([letter]);

    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'grantline.dead-letter', acks: -1 });
    const [record] = sent[0]?.messages ?? [];
    expect(record?.key).toBe(letter.key);
    expect(record?.value).toBe(letter.value);
    expect(record?.headers).toEqual({
      traceparent: letter.headers.traceparent,
      'dead-letter-source-topic': 'grantline.tokens',
      'dead-letter-source-partition': '4',
      'dead-letter-source-offset': '812',
      'dead-letter-source-timestamp': '1767225600000',
      'dead-letter-consumer-group': 'grantline.projector',
      'dead-letter-reason': 'invalid_event',
      'dead-letter-detail': 'eventId: Invalid UUID',
      'dead-letter-at': '2026-03-01T12:00:00.000Z',
    });
    expect(notes).toEqual([
      { source: letter.source, groupId: letter.groupId, reason: letter.reason, detail: letter.detail },
    ]);
  });

  it('tells nobody when the write fails', async () => {
    const notes: DeadLetterNote[] = [];
    const failing = { send: async () => Promise.reject(new Error('not enough replicas')) } as unknown as Producer;
    const sink = new KafkaDeadLetterSink(
      async () => failing,
      'grantline.dead-letter',
      (note) => notes.push(note),
    );
    await expect(sink.publish([letter])).rejects.toThrow('not enough replicas');
    expect(notes).toEqual([]);
  });
});
