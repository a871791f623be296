/** What the driver needs from a Kafka client: an idempotent producer and a from-the-beginning batch reader. */

/** One event as the token service appends it: keyed by aggregate id, JSON value, W3C trace header. */
export interface BenchRecord {
  key: string;
  value: string;
  traceparent: string;
}

export interface BenchProducer {
  /** Sends the records in one call and resolves once the broker acknowledged all of them. */
  send(records: readonly BenchRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumeRequest {
  topic: string;
  groupId: string;
  /** The topic holds exactly this many events; the read ends when all were handed to `onValue`. */
  expected: number;
  /** Called for every message value in the order the client delivers them. */
  onValue(value: Buffer | null): void;
  timeoutMs: number;
}

export interface KafkaClientAdapter {
  /** Producer settings as configured, e.g. "idempotent, acks -1, 1 in flight". */
  readonly producerSettings: string;
  /** How messages reach the handler, e.g. "eachBatch". */
  readonly consumeApi: string;
  openProducer(topic: string): Promise<BenchProducer>;
  /** Reads the topic from its beginning with a fresh consumer group, then closes the consumer. */
  consume(request: ConsumeRequest): Promise<void>;
}

/** A client under test: how to install and load it; `load` fails with the reason when it cannot. */
export interface KafkaClientCandidate {
  readonly name: string;
  /** Installs the client if needed and returns its adapter and the version that was loaded. */
  load(brokers: string[]): Promise<{ adapter: KafkaClientAdapter; version: string }>;
}

/** Resolves when `done` is settled or rejects after `timeoutMs` with `what` in the message. */
export function withTimeout<T>(done: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  return Promise.race([done, timeout]).finally(() => clearTimeout(timer));
}

/** A promise with its settle functions, for reads that end on a count rather than on a call returning. */
export function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
