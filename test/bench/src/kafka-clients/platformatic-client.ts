import { deferred, withTimeout, type KafkaClientAdapter, type KafkaClientCandidate } from './adapter';
import { loadPeer } from './install';

/** The part of @platformatic/kafka 2.x this bench uses, declared here (the package is not a workspace dependency). */
interface ProducerOptions {
  clientId: string;
  bootstrapBrokers: string[];
  idempotent: boolean;
  acks: number;
  autocreateTopics: boolean;
  timeout: number;
  /** Opaque to the bench: the module's own string serialisers, passed back in. */
  serializers: unknown;
}

interface MessageToProduce {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

interface Producer {
  send(options: { messages: MessageToProduce[]; acks?: number }): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}

interface ConsumerOptions {
  clientId: string;
  bootstrapBrokers: string[];
  groupId: string;
  timeout: number;
}

interface ConsumedMessage {
  value: Buffer | null | undefined;
}

interface MessagesStream {
  on(event: 'data', listener: (message: ConsumedMessage) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  close(): Promise<void>;
}

interface Consumer {
  consume(options: {
    topics: string[];
    mode: 'earliest';
    autocommit: boolean;
    maxWaitTime: number;
  }): Promise<MessagesStream>;
  close(force?: boolean): Promise<void>;
}

interface PlatformaticKafka {
  Producer: new (options: ProducerOptions) => Producer;
  Consumer: new (options: ConsumerOptions) => Consumer;
  stringSerializers: unknown;
}

function isPlatformaticKafka(value: unknown): value is PlatformaticKafka {
  const candidate = value as Partial<Record<keyof PlatformaticKafka, unknown>> | null;
  return typeof candidate?.Producer === 'function' && typeof candidate.Consumer === 'function';
}

interface PromiseWithResolvers {
  withResolvers?: () => {
    promise: Promise<unknown>;
    resolve: (value: unknown) => void;
    reject: (reason: unknown) => void;
  };
}

/**
 * @platformatic/kafka 2.x declares Node >= 22.22 and calls Promise.withResolvers (Node 22+), the
 * only newer API it uses; on Node 20 the bench supplies it so the client can be measured at all.
 * Returns whether it had to.
 */
function ensurePromiseWithResolvers(): boolean {
  const promise = Promise as unknown as PromiseWithResolvers;
  if (typeof promise.withResolvers === 'function') return false;
  promise.withResolvers = () => {
    let resolve: (value: unknown) => void = () => undefined;
    let reject: (reason: unknown) => void = () => undefined;
    const created = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: created, resolve, reject };
  };
  return true;
}

function platformaticAdapter(kafka: PlatformaticKafka, brokers: string[], polyfilled: boolean): KafkaClientAdapter {
  return {
    // idempotent: true makes the client force acks ALL (-1) and one in-flight request per connection.
    producerSettings:
      'idempotent (client forces acks -1, maxInflights 1)' +
      (polyfilled ? `; outside its engines (Node >= 22.22) on ${process.version}, Promise.withResolvers supplied` : ''),
    consumeApi: 'consume() MessagesStream, data events',
    openProducer(topic) {
      const producer = new kafka.Producer({
        clientId: 'kafka-clients-bench',
        bootstrapBrokers: brokers,
        idempotent: true,
        acks: -1,
        autocreateTopics: false,
        timeout: 10_000,
        serializers: kafka.stringSerializers,
      });
      return Promise.resolve({
        async send(records) {
          await producer.send({
            acks: -1,
            messages: records.map((record) => ({
              topic,
              key: record.key,
              value: record.value,
              headers: { traceparent: record.traceparent },
            })),
          });
        },
        close: () => producer.close(),
      });
    },
    async consume(request) {
      const consumer = new kafka.Consumer({
        clientId: 'kafka-clients-bench',
        bootstrapBrokers: brokers,
        groupId: request.groupId,
        timeout: 10_000,
      });
      const done = deferred();
      let stream: MessagesStream | undefined;
      try {
        stream = await consumer.consume({
          topics: [request.topic],
          mode: 'earliest',
          autocommit: false,
          maxWaitTime: 500,
        });
        let seen = 0;
        stream.on('error', (error) => done.reject(error));
        stream.on('data', (message) => {
          request.onValue(message.value ?? null);
          seen += 1;
          if (seen === request.expected) done.resolve();
        });
        await withTimeout(done.promise, request.timeoutMs, `reading ${request.expected} events`);
      } finally {
        await stream?.close().catch(() => undefined);
        await consumer.close(true);
      }
    },
  };
}

export const platformaticClient: KafkaClientCandidate = {
  name: '@platformatic/kafka',
  async load(brokers) {
    const { module, version } = await loadPeer('@platformatic/kafka', 2);
    if (!isPlatformaticKafka(module)) throw new Error('@platformatic/kafka does not export Producer and Consumer');
    const polyfilled = ensurePromiseWithResolvers();
    return { adapter: platformaticAdapter(module, brokers, polyfilled), version };
  },
};
