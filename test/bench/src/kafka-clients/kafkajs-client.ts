import { Kafka, logLevel } from 'kafkajs';
import { deferred, withTimeout, type KafkaClientAdapter, type KafkaClientCandidate } from './adapter';
import { workspaceVersion } from './install';

/** kafkajs as libs/event-log uses it: idempotent producer, one request in flight, acks -1 per send. */
function kafkajsAdapter(brokers: string[]): KafkaClientAdapter {
  const kafka = new Kafka({
    clientId: 'kafka-clients-bench',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  return {
    producerSettings: 'idempotent, acks -1 per send, maxInFlightRequests 1',
    consumeApi: 'consumer.run eachBatch',
    async openProducer(topic) {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      return {
        async send(records) {
          await producer.send({
            topic,
            acks: -1,
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
      const consumer = kafka.consumer({ groupId: request.groupId, allowAutoTopicCreation: false });
      const done = deferred();
      let seen = 0;
      consumer.on(consumer.events.CRASH, ({ payload }) => done.reject(payload.error));
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [request.topic], fromBeginning: true });
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

export const kafkajsClient: KafkaClientCandidate = {
  name: 'kafkajs',
  load: (brokers) => Promise.resolve({ adapter: kafkajsAdapter(brokers), version: workspaceVersion('kafkajs') }),
};
