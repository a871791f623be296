import { BatchingQueue } from '@grantline/lib-event-log';
import { performance } from 'node:perf_hooks';
import { cpuMicros } from '../process-cpu';
import type { BenchRecord, KafkaClientAdapter } from './adapter';
import type { RecordPool } from './events';

export interface Measurement {
  events: number;
  eventsPerSecond: number;
  p50Ms?: number;
  p99Ms?: number;
  clientCpuMicrosPerEvent: number;
  /** Undefined when the broker's process is not visible from here (e.g. in a container). */
  brokerCpuMicrosPerEvent?: number;
  note: string;
}

/** CPU of this process and of the broker over a window. */
function cpuWindow(brokerPid: number | undefined): () => { client: number; broker?: number } {
  const client = process.cpuUsage();
  const broker = brokerPid === undefined ? undefined : cpuMicros(brokerPid);
  return () => {
    const used = process.cpuUsage(client);
    return {
      client: used.user + used.system,
      broker: broker === undefined || brokerPid === undefined ? undefined : cpuMicros(brokerPid) - broker,
    };
  };
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

export interface ProduceSettings {
  appenders: number;
  seconds: number;
  warmUpSeconds: number;
  brokerPid: number | undefined;
  records: RecordPool;
}

/**
 * Scenario A, the token service's path: `appenders` concurrent loops, each appending one event and
 * awaiting its ack, through a group-commit queue (one send in flight; whatever arrives meanwhile
 * goes in the next send). A warm-up of the same shape runs first and is not counted.
 */
export async function measureProduce(
  adapter: KafkaClientAdapter,
  topic: string,
  settings: ProduceSettings,
): Promise<Measurement> {
  const producer = await adapter.openProducer(topic);
  try {
    let sendCount = 0;
    const queue = new BatchingQueue<BenchRecord>((records) => {
      sendCount += 1;
      return producer.send(records);
    });
    const appendFor = async (seconds: number, latencies: number[] | undefined): Promise<number> => {
      const deadline = performance.now() + seconds * 1000;
      let acked = 0;
      const appender = async () => {
        while (performance.now() < deadline) {
          const record = settings.records.take();
          const started = performance.now();
          await queue.enqueue([record]);
          latencies?.push(performance.now() - started);
          acked += 1;
        }
      };
      const outcomes = await Promise.allSettled(Array.from({ length: settings.appenders }, appender));
      const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failed) throw failed.reason;
      return acked;
    };

    await appendFor(settings.warmUpSeconds, undefined);
    const sendsBefore = sendCount;
    const latencies: number[] = [];
    const cpu = cpuWindow(settings.brokerPid);
    const started = performance.now();
    const acked = await appendFor(settings.seconds, latencies);
    const elapsedSeconds = (performance.now() - started) / 1000;
    const used = cpu();

    const sorted = Float64Array.from(latencies).sort();
    const sends = sendCount - sendsBefore;
    return {
      events: acked,
      eventsPerSecond: acked / elapsedSeconds,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      clientCpuMicrosPerEvent: used.client / acked,
      brokerCpuMicrosPerEvent: used.broker === undefined ? undefined : used.broker / acked,
      note: `${acked} acks in ${sends} sends (${(acked / Math.max(1, sends)).toFixed(1)} events/send)`,
    };
  } finally {
    await producer.close();
  }
}

export interface ConsumeSettings {
  groupId: string;
  expected: number;
  brokerPid: number | undefined;
  timeoutMs: number;
}

/**
 * Scenario B, the projector's path: a fresh consumer group reads the topic from its beginning in
 * the client's batch (or stream) API and parses every value as JSON. The window runs from the
 * consume call (connect and group join included) to the last event parsed.
 */
export async function measureConsume(
  adapter: KafkaClientAdapter,
  topic: string,
  settings: ConsumeSettings,
): Promise<Measurement> {
  let seen = 0;
  let wellFormed = 0;
  let firstAt = Number.NaN;
  let lastAt = Number.NaN;
  let used: { client: number; broker?: number } | undefined;
  const cpu = cpuWindow(settings.brokerPid);
  const started = performance.now();
  const onValue = (value: Buffer | null) => {
    if (seen === 0) firstAt = performance.now();
    seen += 1;
    if (value !== null) {
      const parsed: unknown = JSON.parse(value.toString('utf8'));
      if ((parsed as { type?: unknown } | null)?.type === 'token.issued') wellFormed += 1;
    }
    if (seen === settings.expected) {
      lastAt = performance.now();
      used = cpu();
    }
  };
  await adapter.consume({
    topic,
    groupId: settings.groupId,
    expected: settings.expected,
    onValue,
    timeoutMs: settings.timeoutMs,
  });
  if (used === undefined) throw new Error(`the read ended after ${seen} of ${settings.expected} events`);
  const afterFirst = (seen - 1) / ((lastAt - firstAt) / 1000);
  const notes = [
    `first event after ${(firstAt - started).toFixed(0)} ms, ${afterFirst.toFixed(0)} events/s from then on`,
  ];
  if (wellFormed !== settings.expected) notes.push(`${settings.expected - wellFormed} values not token events`);
  return {
    events: seen,
    eventsPerSecond: seen / ((lastAt - started) / 1000),
    clientCpuMicrosPerEvent: used.client / seen,
    brokerCpuMicrosPerEvent: used.broker === undefined ? undefined : used.broker / seen,
    note: notes.join('; '),
  };
}
