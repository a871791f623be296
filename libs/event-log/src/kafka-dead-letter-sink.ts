import type { IHeaders, Message, Producer } from 'kafkajs';
import type { DeadLetter, DeadLetterObserver, DeadLetterSink } from './dead-letter';

/** The headers a dead-letter record carries besides the original record's own. */
export const deadLetterHeaderNames = {
  sourceTopic: 'dead-letter-source-topic',
  sourcePartition: 'dead-letter-source-partition',
  sourceOffset: 'dead-letter-source-offset',
  sourceTimestamp: 'dead-letter-source-timestamp',
  consumerGroup: 'dead-letter-consumer-group',
  reason: 'dead-letter-reason',
  detail: 'dead-letter-detail',
  at: 'dead-letter-at',
} as const;

/**
 * Publishes unreadable records to the dead-letter topic with the producer of the event log
 * (idempotent, acks from all in-sync replicas), then tells the observer. The record keeps its
 * key, value and headers byte for byte; ours are added, and win over a same-named original.
 */
export class KafkaDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly producer: () => Promise<Producer>,
    private readonly topic: string,
    private readonly observe: DeadLetterObserver,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const producer = await this.producer();
    const at = this.now().toISOString();
    await producer.send({ topic: this.topic, acks: -1, messages: letters.map((letter) => messageOf(letter, at)) });
    for (const { source, groupId, reason, detail } of letters) this.observe({ source, groupId, reason, detail });
  }
}

function messageOf(letter: DeadLetter, at: string): Message {
  const names = deadLetterHeaderNames;
  const headers: IHeaders = {
    ...letter.headers,
    [names.sourceTopic]: letter.source.topic,
    [names.sourcePartition]: String(letter.source.partition),
    [names.sourceOffset]: letter.source.offset,
    [names.sourceTimestamp]: letter.source.timestamp,
    [names.consumerGroup]: letter.groupId,
    [names.reason]: letter.reason,
    [names.detail]: letter.detail,
    [names.at]: at,
  };
  return { key: letter.key, value: letter.value, headers };
}
