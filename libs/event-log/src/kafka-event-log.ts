import {
  Kafka,
  logLevel,
  type Admin,
  type Consumer,
  type IHeaders,
  type KafkaConfig,
  type Producer,
  type SASLOptions,
} from 'kafkajs';
import { streamOfEvent, streams, validateForAppend, type GrantlineEvent, type Stream } from '@grantline/lib-events';
import { BatchingQueue } from './batching-producer';
import { ReplaceableProducer } from './replaceable-producer';
import { logDeadLetterToStderr, type DeadLetterObserver } from './dead-letter';
import { errorTypeOf, noEventLogMetrics, type EventLogMetrics } from './event-log-metrics';
import { eventsOnly, handleKafkaBatch, PARTITIONS_AT_ONCE, type DeadLetterRoute } from './kafka-batch';
import { KafkaDeadLetterSink } from './kafka-dead-letter-sink';
import {
  committedOffsets,
  lastOffsets,
  subscribePositioned,
  type PositionedSubscribeOptions,
  type PositionedSubscription,
} from './kafka-positioned-consumer';
import { awaitHostedTopics, isNotHostedYet } from './kafka-hosted-topics';
import { replayTopics } from './kafka-replay';
import { assertTopicRetention } from './kafka-retention';
import {
  deadLetterTopicName,
  deadLetterTopicSpec,
  DEFAULT_TOKENS_RETENTION_MS,
  topicName,
  topicSpecs,
} from './kafka-topology';
import {
  EventLogUnavailableError,
  type EventHandler,
  type EventLog,
  type SubscribeOptions,
  type Subscription,
} from './port';

export interface KafkaEventLogOptions {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  /** Upper bound for one append; past it the caller answers 503 and hands nothing out. */
  appendTimeoutMs: number;
  /** Retention of the tokens topic, set when it is created and required of it when it exists (30 days if unset). */
  tokensRetentionMs?: number;
  /** Told of each record moved to the dead-letter topic (error log, counter); a JSON line on stderr if unset. */
  onDeadLettered?: DeadLetterObserver;
  /** TLS to the brokers: `true` with the system CAs, or Node.js TLS options (a CA, for one). */
  ssl?: KafkaConfig['ssl'];
  /** SASL credentials for the brokers. */
  sasl?: SASLOptions;
  /** Told of every produce request and of consumer lag after every handled batch; nothing if unset. */
  metrics?: EventLogMetrics;
}

export class KafkaEventLog implements EventLog {
  private readonly kafka: Kafka;
  private readonly producer = new ReplaceableProducer<Producer>(() =>
    this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }),
  );
  private readonly consumers = new Set<Consumer>();
  private readonly positioned = new Set<() => Promise<void>>();
  private readonly queue = new BatchingQueue<GrantlineEvent>((events) => this.send(events));
  private readonly metrics: EventLogMetrics;

  constructor(private readonly options: KafkaEventLogOptions) {
    this.metrics = options.metrics ?? noEventLogMetrics;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
      ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1_000,
      requestTimeout: options.appendTimeoutMs,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  async append(events: readonly GrantlineEvent[]): Promise<void> {
    // Outside the try below: a malformed event is the caller's bug, not an unavailable log.
    const valid = validateForAppend(events);
    if (valid.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    // The caller answers 503 ("nothing was recorded") once this times out, so events still waiting
    // behind a send in flight are withdrawn then; sent later, they would record what was refused.
    const giveUp = new AbortController();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new EventLogUnavailableError('event log did not acknowledge in time');
        giveUp.abort(error);
        reject(error);
      }, this.options.appendTimeoutMs);
    });
    try {
      await Promise.race([this.queue.enqueue(valid, giveUp.signal), timeout]);
    } catch (error) {
      if (error instanceof EventLogUnavailableError) throw error;
      throw new EventLogUnavailableError('event log unavailable', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const deadLetters = this.deadLetterRoute(options.groupId);
    const consumer = this.kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer after retriable failures; anything else stops it for good.
      if (!payload.restart) options.onFatal?.(payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: options.streams.map((stream) => topicName(this.options.topicPrefix, stream)),
        fromBeginning: options.fromBeginning,
      });
    } catch (error) {
      // A subscription that could not be made leaves no consumer behind.
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    await consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_AT_ONCE,
      eachBatch: (payload) =>
        handleKafkaBatch(
          payload,
          this.streamOfTopic(payload.batch.topic),
          eventsOnly(options.handleBatch),
          deadLetters,
        ),
    });
    this.consumers.add(consumer);
    return {
      close: async () => {
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  replay(streams: readonly Stream[], handler: EventHandler): Promise<number> {
    return replayTopics(this.kafka, this.topicsOf(streams), handler, 120_000);
  }

  /** A consumer-group subscription that resumes from positions the consumer keeps itself. */
  async subscribePositioned(options: PositionedSubscribeOptions): Promise<PositionedSubscription> {
    const subscription = await subscribePositioned(this.kafka, this.topicsOf(options.streams), {
      ...options,
      deadLetters: this.deadLetterRoute(options.groupId),
    });
    const close = subscription.close;
    this.positioned.add(close);
    return {
      ...subscription,
      close: async () => {
        this.positioned.delete(close);
        await close();
      },
    };
  }

  /** The last offset a consumer group committed as applied, per `<stream>:<partition>`. */
  committedOffsets(groupId: string, streams: readonly Stream[]): Promise<Map<string, string>> {
    return this.withAdmin((admin) => committedOffsets(admin, groupId, this.topicsOf(streams)));
  }

  /** The offset of the last event of each non-empty partition now, per `<stream>:<partition>`. */
  lastOffsets(streams: readonly Stream[]): Promise<Map<string, string>> {
    return this.withAdmin((admin) => lastOffsets(admin, this.topicsOf(streams)));
  }

  /** Creates the project's topics with their documented settings; existing ones are left alone. */
  async ensureTopics(replicationFactor: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const tokens = topicName(this.options.topicPrefix, 'tokens');
      const retentionMs = this.options.tokensRetentionMs ?? DEFAULT_TOKENS_RETENTION_MS;
      if (existing.has(tokens)) await assertTopicRetention(admin, tokens, retentionMs);
      const wanted = [
        ...topicSpecs(retentionMs).map((spec) => ({ ...spec, name: topicName(this.options.topicPrefix, spec.stream) })),
        { ...deadLetterTopicSpec, name: deadLetterTopicName(this.options.topicPrefix) },
      ];
      const missing = wanted.filter((spec) => !existing.has(spec.name));
      if (missing.length === 0) return;
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((spec) => ({
            topic: spec.name,
            numPartitions: spec.partitions,
            replicationFactor,
            configEntries: Object.entries({
              ...spec.config,
              'min.insync.replicas': String(Math.max(1, Math.min(2, replicationFactor - 1))),
            }).map(([name, value]) => ({ name, value })),
          })),
        });
      } catch (error) {
        // Created, but not in the metadata yet: kafkajs's wait for leaders gives up on that answer.
        if (!isNotHostedYet(error)) throw error;
      }
      await awaitHostedTopics(
        admin,
        missing.map((spec) => spec.name),
      );
    } finally {
      await admin.disconnect();
    }
  }

  async ping(): Promise<boolean> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return true;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    await Promise.all([...this.positioned].map((close) => close()));
    this.positioned.clear();
    await this.producer.close();
  }

  /** One produce request for everything the queue gathered, measured once (not per event). */
  private async send(events: GrantlineEvent[]): Promise<void> {
    const started = performance.now();
    try {
      await this.produce(events);
    } catch (error) {
      this.metrics.sent((performance.now() - started) / 1000, events.length, errorTypeOf(error));
      throw error;
    }
    this.metrics.sent((performance.now() - started) / 1000, events.length);
  }

  private async produce(events: GrantlineEvent[]): Promise<void> {
    const byTopic = new Map<string, Array<{ key: string; value: string; headers: IHeaders }>>();
    for (const event of events) {
      const topic = topicName(this.options.topicPrefix, streamOfEvent(event));
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: event.aggregate.id, value: JSON.stringify(event), headers: headersOf(event) });
      byTopic.set(topic, messages);
    }
    // acks -1: the broker answers only once every in-sync replica has the batch.
    await this.producer.send((producer) =>
      producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      }),
    );
  }

  /** Unreadable records of a consumer group go to the dead-letter topic through the log's own producer. */
  private deadLetterRoute(groupId: string): DeadLetterRoute {
    const sink = new KafkaDeadLetterSink(
      () => this.producer.get(),
      deadLetterTopicName(this.options.topicPrefix),
      this.options.onDeadLettered ?? logDeadLetterToStderr,
    );
    return { sink, groupId, metrics: this.metrics };
  }

  private topicsOf(streams: readonly Stream[]): Map<string, Stream> {
    return new Map(streams.map((stream) => [topicName(this.options.topicPrefix, stream), stream] as const));
  }

  private async withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }

  private streamOfTopic(topic: string): Stream {
    const stream = streams.find((candidate) => topicName(this.options.topicPrefix, candidate) === topic);
    if (!stream) throw new Error(`message from unknown topic ${topic}`);
    return stream;
  }
}

function headersOf(event: GrantlineEvent): IHeaders {
  const headers: IHeaders = { 'event-type': event.type, 'event-id': event.eventId };
  if (event.traceContext.traceparent) headers.traceparent = event.traceContext.traceparent;
  if (event.traceContext.tracestate) headers.tracestate = event.traceContext.tracestate;
  return headers;
}
