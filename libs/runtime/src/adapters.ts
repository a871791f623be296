import { required, type Config } from '@grantline/lib-config';
import { KafkaEventLog } from '@grantline/lib-event-log';
import { RedisEvictionPolicyError, RedisGuardStore, RedisProjectionStore } from '@grantline/lib-projections';

export function kafkaEventLog(config: Config, clientId: string): KafkaEventLog {
  return new KafkaEventLog({
    brokers: required(config, 'KAFKA_BROKERS')
      .split(',')
      .map((broker) => broker.trim()),
    clientId,
    topicPrefix: config.GRANTLINE_KAFKA_TOPIC_PREFIX,
    appendTimeoutMs: config.GRANTLINE_APPEND_TIMEOUT_MS,
    tokensRetentionMs: config.GRANTLINE_TOKENS_RETENTION * 1000,
  });
}

export function redisProjectionStore(config: Config): RedisProjectionStore {
  return new RedisProjectionStore({ url: required(config, 'REDIS_URL'), keyPrefix: config.GRANTLINE_REDIS_PREFIX });
}

export function redisGuardStore(config: Config): RedisGuardStore {
  return new RedisGuardStore({ url: required(config, 'REDIS_URL'), keyPrefix: config.GRANTLINE_REDIS_PREFIX });
}

/** How long a starting service waits for Redis before it serves without it, and then how often it looks again. */
const REDIS_START_WAIT_MS = 5_000;
const REDIS_RETRY_MS = 1_000;

type CheckedStore = Pick<RedisProjectionStore, 'assertKeepsKeys' | 'ping'>;

/**
 * Refuses a Redis that may evict keys (GRANTLINE_REDIS_EVICTION_CHECK). When Redis answers within
 * a few seconds, the check runs before anything is served and a refusal rejects. When it does not,
 * the service starts without it as it always has (its readiness probe fails and requests answer
 * 503), and the check runs as soon as Redis answers; a refusal then goes to `onRefused`, which
 * must stop the process.
 */
export async function checkRedis(
  config: Config,
  store: CheckedStore,
  onRefused: (error: RedisEvictionPolicyError) => void,
): Promise<void> {
  const mode = config.GRANTLINE_REDIS_EVICTION_CHECK;
  try {
    await store.assertKeepsKeys(mode, REDIS_START_WAIT_MS);
  } catch (error) {
    if (error instanceof RedisEvictionPolicyError) throw error;
    checkOnceReachable(store, mode).catch(onRefused);
  }
}

async function checkOnceReachable(store: CheckedStore, mode: Config['GRANTLINE_REDIS_EVICTION_CHECK']): Promise<void> {
  for (;;) {
    // Unreferenced, so the wait never keeps a stopping process alive.
    await new Promise((resolve) => setTimeout(resolve, REDIS_RETRY_MS).unref());
    if (!(await store.ping())) continue;
    try {
      return await store.assertKeepsKeys(mode, REDIS_RETRY_MS);
    } catch (error) {
      if (error instanceof RedisEvictionPolicyError) throw error;
    }
  }
}
