import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  openShapedLink,
  startPrivateKafka,
  startPrivateMongo,
  startPrivateRedis,
  type PrivateKafka,
  type PrivateMongo,
  type PrivateRedis,
  type ShapedLink,
} from '@grantline/lib-infra';
import { brokerPortsOf, placementIn, startStack, type RunningStack, type ServiceProcess } from '@grantline/lib-stack';

/** The token replica that talks to Kafka through {@link FaultEnvironment.kafkaLink}; the other talks directly. */
const LINKED_TOKEN_REPLICA = 1;

/** The stack and the servers under it, all of them this program's own, with the faults' levers. */
export interface FaultEnvironment {
  stack: RunningStack;
  kafka: PrivateKafka;
  redis: PrivateRedis;
  mongo: PrivateMongo;
  /**
   * The network between one token replica and Kafka (a namespace of its own, decision 0034): clean
   * until a scenario shapes it.
   */
  kafkaLink: ShapedLink;
  namespace: string;
  /** The newest running replica of a service, e.g. `projector` after a restart. */
  running(service: string): ServiceProcess;
  /** Has Redis write its data now and keeps a copy, the snapshot `restoreSnapshot` puts back. */
  saveSnapshot(): Promise<void>;
  /** Kills Redis (no save on the way down), puts the snapshot back and starts it on the same port. */
  restoreSnapshot(): Promise<void>;
  flushRedis(): Promise<void>;
  close(): Promise<void>;
}

export interface EnvironmentOptions {
  replicas: { token: number; introspection: number };
  env: Record<string, string>;
  log: (line: string) => void;
}

export async function startFaultEnvironment(options: EnvironmentOptions): Promise<FaultEnvironment> {
  const workDir = mkdtempSync(join(tmpdir(), 'grantline-faults-'));
  const closers: Array<() => Promise<void>> = [async () => rmSync(workDir, { recursive: true, force: true })];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error) => options.log(`stopping: ${String(error)}`));
  };
  try {
    options.log('starting a private Kafka, Redis and FerretDB');
    const [kafka, redis, mongo] = await Promise.all([
      startPrivateKafka({ log: options.log }),
      startPrivateRedis({ dir: mkdtempSync(join(workDir, 'redis-')) }),
      startPrivateMongo({ log: options.log }),
    ]);
    closers.push(kafka.close, redis.close, mongo.close);
    const kafkaLink = await openShapedLink({ log: options.log });
    closers.push(kafkaLink.close);
    const linked = placementIn(kafkaLink, brokerPortsOf(kafka.brokers));
    const namespace = `faults${Date.now().toString(36)}`;
    const stack = await startStack({
      infra: { kafkaBrokers: kafka.brokers, redisUrl: redis.url, mongodbUrl: mongo.url },
      publicPort: 0,
      workDir,
      namespace,
      replicas: { ...options.replicas, devicePolling: 2, authorize: 1 },
      env: options.env,
      log: options.log,
      placement: (service, replica) => (service === 'token' && replica === LINKED_TOKEN_REPLICA ? linked : undefined),
    });
    closers.push(stack.stop);
    const snapshotFile = join(workDir, 'snapshot.rdb');
    const withRedis = async <T>(action: (connection: Redis) => Promise<T>): Promise<T> => {
      const connection = new Redis(redis.url, { maxRetriesPerRequest: 1 });
      try {
        return await action(connection);
      } finally {
        connection.disconnect();
      }
    };
    return {
      stack,
      kafka,
      redis,
      mongo,
      kafkaLink,
      namespace,
      running: (service) => {
        const replica = stack.services
          .filter((one) => one.name === service && one.child.exitCode === null && one.child.signalCode === null)
          .at(-1);
        if (!replica) throw new Error(`no ${service} replica is running`);
        return replica;
      },
      saveSnapshot: async () => {
        const saved = await withRedis((connection) => connection.save());
        if (saved !== 'OK') throw new Error(`Redis did not save: ${saved}`);
        copyFileSync(join(redis.dir, 'dump.rdb'), snapshotFile);
      },
      restoreSnapshot: async () => {
        await redis.stop('SIGKILL');
        copyFileSync(snapshotFile, join(redis.dir, 'dump.rdb'));
        await redis.restart();
      },
      flushRedis: async () => {
        await withRedis((connection) => connection.flushall());
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
