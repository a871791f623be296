import type { StartedTestContainer } from 'testcontainers';
import { pingMongo } from './ferretdb-server';
import { asKafkaImageEnvironment, singleNodeBrokerSettings } from './kafka-config';
import { messageOf } from './errors';
import { pingKafka, warmUpKafka } from './kafka-client';
import { freePort } from './ports';
import { findExecutable, runCommand } from './process-control';
import { pollUntil } from './readiness';
import { pingRedis } from './redis-server';
import type { InfraUrls, LogFn } from './types';

const REDIS_IMAGE = 'redis:7.4-alpine';
const KAFKA_IMAGE = 'apache/kafka:3.9.1';
// The same engine as the local server, so tests see the same MongoDB subset either way.
const FERRETDB_IMAGE = 'ghcr.io/ferretdb/ferretdb:1.24.2';

/** True when `docker info` reaches an engine within the timeout. */
export async function dockerEngineAnswers(timeoutMs = 5000): Promise<boolean> {
  const docker = findExecutable('docker');
  if (docker === undefined) return false;
  try {
    const result = await runCommand(docker, ['info', '--format', '{{.ServerVersion}}'], { timeoutMs });
    return result.code === 0 && result.output.trim() !== '';
  } catch {
    return false;
  }
}

export interface StartedContainers {
  urls: InfraUrls;
  stop(): Promise<void>;
}

export async function startContainers(log: LogFn): Promise<StartedContainers> {
  const { GenericContainer, Wait, getContainerRuntimeClient } = await import('testcontainers');
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  // Kafka must advertise the address clients will use, so its host port is fixed before start.
  const kafkaHostPort = await freePort();

  const redis = new GenericContainer(REDIS_IMAGE)
    .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/));
  const kafka = new GenericContainer(KAFKA_IMAGE)
    .withExposedPorts({ container: 9092, host: kafkaHostPort })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092,CONTROLLER://localhost:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${kafkaHostPort}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
      ...asKafkaImageEnvironment(singleNodeBrokerSettings),
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000);
  const ferretdb = new GenericContainer(FERRETDB_IMAGE)
    .withEnvironment({
      FERRETDB_HANDLER: 'sqlite',
      FERRETDB_SQLITE_URL: 'file:/state/',
      FERRETDB_LISTEN_ADDR: ':27017',
      FERRETDB_TELEMETRY: 'disable',
    })
    .withExposedPorts(27017)
    .withWaitStrategy(Wait.forListeningPorts());

  log(`starting containers: ${REDIS_IMAGE}, ${KAFKA_IMAGE}, ${FERRETDB_IMAGE}`);
  const results = await Promise.allSettled([redis.start(), kafka.start(), ferretdb.start()]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((c: StartedTestContainer) => c.stop().catch(() => undefined)));
  };
  const [redisResult, kafkaResult, ferretResult] = results;
  if (
    redisResult?.status !== 'fulfilled' ||
    kafkaResult?.status !== 'fulfilled' ||
    ferretResult?.status !== 'fulfilled'
  ) {
    await stop();
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [messageOf(r.reason)] : []));
    throw new Error(`Containers did not start:\n- ${reasons.join('\n- ')}`);
  }

  const redisPort = redisResult.value.getMappedPort(6379);
  const urls: InfraUrls = {
    kafkaBrokers: `${host}:${kafkaHostPort}`,
    redisUrl: `redis://${host}:${redisPort}`,
    mongodbUrl: `mongodb://${host}:${ferretResult.value.getMappedPort(27017)}/`,
  };
  try {
    // Log lines and open ports come slightly before the protocols answer.
    await pollUntil(
      async () =>
        (await pingRedis(redisPort, 1000, host)) &&
        (await pingKafka(urls.kafkaBrokers)) &&
        (await pingMongo(urls.mongodbUrl)),
      { timeoutMs: 60_000, intervalMs: 500, onTimeout: () => 'Containers started but did not answer within 60s' },
    );
    await warmUpKafka(urls.kafkaBrokers);
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, stop };
}
