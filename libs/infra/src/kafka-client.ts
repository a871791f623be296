import { Kafka, Partitioners, logLevel } from 'kafkajs';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function client(brokers: string, retries: number): Kafka {
  return new Kafka({
    clientId: 'grantline-infra',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries },
  });
}

/** True when a kafkajs admin client can list topics on the broker. */
export async function pingKafka(brokers: string, timeoutMs = 5000): Promise<boolean> {
  const admin = client(brokers, 0).admin();
  try {
    await withTimeout(
      (async () => {
        await admin.connect();
        await admin.listTopics();
      })(),
      timeoutMs,
    );
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * A new broker creates its group-coordinator topic and producer-id state on first use, and
 * until then answers "coordinator not available/loading", which kafkajs retries but logs as
 * errors. Touching both here keeps that noise and delay out of the first test.
 */
export async function warmUpKafka(brokers: string, timeoutMs = 60_000): Promise<void> {
  const kafka = client(brokers, 10);
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await withTimeout(
      (async () => {
        await admin.connect();
        await admin.describeGroups(['grantline-infra-warmup']);
        await producer.connect();
      })(),
      timeoutMs,
    );
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}
