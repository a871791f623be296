import { deferred, withTimeout, type KafkaClientAdapter, type KafkaClientCandidate } from './adapter';
import { loadPeer } from './install';

/**
 * The part of @confluentinc/kafka-javascript 1.x (its KafkaJS-compatible API over librdkafka)
 * this bench uses, declared here (the package is not a workspace dependency).
 */
interface ProducerConstructorConfig {
  'linger.ms': number;
  kafkaJS: {
    idempotent: boolean;
    acks: number;
    maxInFlightRequests: number;
    allowAutoTopicCreation: boolean;
  };
}

interface Producer {
  connect(): Promise<void>;
  send(record: {
    topic: string;
    messages: Array<{ key: string; value: string; headers: Record<string, string> }>;
  }): Promise<unknown>;
  disconnect(): Promise<void>;
}

interface ConsumerConstructorConfig {
  'js.consumer.max.batch.size': number;
  kafkaJS: { groupId: string; fromBeginning: boolean; autoCommit: boolean };
}

interface EachBatchPayload {
  batch: { messages: Array<{ value: Buffer | null }> };
}

interface Consumer {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[] }): Promise<void>;
  run(config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}

interface Kafka {
  producer(config: ProducerConstructorConfig): Producer;
  consumer(config: ConsumerConstructorConfig): Consumer;
}

interface ConfluentKafka {
  KafkaJS: {
    Kafka: new (config: { kafkaJS: { brokers: string[]; clientId: string; logLevel: number } }) => Kafka;
    logLevel: { NOTHING: number };
  };
}

function isConfluentKafka(value: unknown): value is ConfluentKafka {
  const kafkaJS = (value as { KafkaJS?: { Kafka?: unknown; logLevel?: unknown } } | null)?.KafkaJS;
  return typeof kafkaJS?.Kafka === 'function' && typeof kafkaJS.logLevel === 'object';
}

function confluentAdapter(module: ConfluentKafka, brokers: string[]): KafkaClientAdapter {
  const { Kafka, logLevel } = module.KafkaJS;
  const kafka = new Kafka({ kafkaJS: { brokers, clientId: 'kafka-clients-bench', logLevel: logLevel.NOTHING } });
  return {
    // acks is a per-producer setting in this API; linger.ms 0 because every append is awaited.
    producerSettings: 'idempotent, acks -1 per producer, maxInFlightRequests 1, linger.ms 0',
    consumeApi: 'consumer.run eachBatch (js.consumer.max.batch.size -1)',
    async openProducer(topic) {
      const producer = kafka.producer({
        'linger.ms': 0,
        kafkaJS: { idempotent: true, acks: -1, maxInFlightRequests: 1, allowAutoTopicCreation: false },
      });
      await producer.connect();
      return {
        async send(records) {
          await producer.send({
            topic,
            messages: records.map((record) => ({
              key: record.key,
              value: record.value,
              headers: { traceparent: record.traceparent },
            })),
          });
        },
        close: () => producer.disconnect(),
      };
    },
    async consume(request) {
      const consumer = kafka.consumer({
        'js.consumer.max.batch.size': -1,
        kafkaJS: { groupId: request.groupId, fromBeginning: true, autoCommit: false },
      });
      const done = deferred();
      let seen = 0;
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [request.topic] });
        await consumer.run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) request.onValue(message.value);
            seen += batch.messages.length;
            if (seen >= request.expected) done.resolve();
          },
        });
        await withTimeout(done.promise, request.timeoutMs, `reading ${request.expected} events`);
      } finally {
        await consumer.disconnect();
      }
    },
  };
}

export const confluentClient: KafkaClientCandidate = {
  name: '@confluentinc/kafka-javascript',
  async load(brokers) {
    const { module, version } = await loadPeer('@confluentinc/kafka-javascript', 1);
    if (!isConfluentKafka(module)) throw new Error('@confluentinc/kafka-javascript does not export KafkaJS.Kafka');
    return { adapter: confluentAdapter(module, brokers), version };
  },
};
