import { messageOf } from './errors';
import { downLocalInfra, ensureLocalInfra } from './local-infra';
import { dockerEngineAnswers, startContainers } from './testcontainers-infra';
import { silent, type InfraUrls, type LogFn, type LogOptions, type ResolvedInfra } from './types';

const ENV_KEYS = ['KAFKA_BROKERS', 'REDIS_URL', 'MONGODB_URL'] as const;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function urlsFromEnvironment(log: LogFn): InfraUrls | undefined {
  const kafkaBrokers = nonEmpty(process.env.KAFKA_BROKERS);
  const redisUrl = nonEmpty(process.env.REDIS_URL);
  const mongodbUrl = nonEmpty(process.env.MONGODB_URL);
  if (kafkaBrokers !== undefined && redisUrl !== undefined && mongodbUrl !== undefined) {
    return { kafkaBrokers, redisUrl, mongodbUrl };
  }
  const present = ENV_KEYS.filter((key) => nonEmpty(process.env[key]) !== undefined);
  if (present.length > 0) {
    log(`ignoring ${present.join(', ')}: all of ${ENV_KEYS.join(', ')} must be set to use existing servers`);
  }
  return undefined;
}

/** Makes release() safe to call more than once. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => (pending ??= fn());
}

/**
 * Finds Kafka, Redis and MongoDB-compatible servers: the environment variables first, then
 * containers when a Docker engine answers, then local servers (reused or started).
 */
export async function resolveInfra(options: LogOptions = {}): Promise<ResolvedInfra> {
  const log = options.log ?? silent;
  const fromEnv = urlsFromEnvironment(log);
  if (fromEnv !== undefined) {
    return { urls: fromEnv, source: 'environment', startedHere: false, release: () => Promise.resolve() };
  }

  if (await dockerEngineAnswers()) {
    try {
      const containers = await startContainers(log);
      return { urls: containers.urls, source: 'testcontainers', startedHere: true, release: once(containers.stop) };
    } catch (error) {
      log(`containers unavailable (${messageOf(error)}); falling back to local servers`);
    }
  }

  const { urls, startedHere } = await ensureLocalInfra(log);
  const release = startedHere ? once(() => downLocalInfra({ log })) : () => Promise.resolve();
  return { urls, source: 'local', startedHere, release };
}
