import { required, type Config } from '@grantline/lib-config';
import type { DeadLetterObserver } from '@grantline/lib-event-log';
import {
  RedisClientDocumentCache,
  RedisEvictionPolicyError,
  RedisGuardStore,
  RedisProjectionControl,
  RedisProjectionStore,
} from '@grantline/lib-projections';
import type { GrantlineMetrics } from '@grantline/lib-telemetry';
import { eventLogMetrics } from './event-log-metrics';
import { kafkaConnectionSecurity } from './kafka-client-options';
import { redisConnectionOptions } from './redis-client-options';
import { StoppingKafkaEventLog } from './stopping-event-log';

export interface KafkaEventLogObservers {
  /** Consumers pass it (see deadLetterReporter). */
  onDeadLettered?: DeadLetterObserver;
  /** Where produce latency and consumer lag are recorded; unrecorded if unset. */
  metrics?: GrantlineMetrics;
}

/** The Kafka log of a service, over TLS and with SASL when the settings ask for them. */
export function kafkaEventLog(
  config: Config,
  clientId: string,
  { onDeadLettered, metrics }: KafkaEventLogObservers = {},
): StoppingKafkaEventLog {
  return new StoppingKafkaEventLog({
    brokers: required(config, 'KAFKA_BROKERS')
      .split(',')
      .map((broker) => broker.trim()),
    clientId,
    topicPrefix: config.GRANTLINE_KAFKA_TOPIC_PREFIX,
    appendTimeoutMs: config.GRANTLINE_APPEND_TIMEOUT_MS,
    tokensRetentionMs: config.GRANTLINE_TOKENS_RETENTION * 1000,
    ...kafkaConnectionSecurity(config),
    ...(onDeadLettered ? { onDeadLettered } : {}),
    ...(metrics ? { metrics: eventLogMetrics(metrics) } : {}),
  });
}

export function redisProjectionStore(config: Config): RedisProjectionStore {
  return new RedisProjectionStore(redisConnectionOptions(config));
}

export function redisGuardStore(config: Config): RedisGuardStore {
  return new RedisGuardStore(redisConnectionOptions(config));
}

/** The client ID metadata documents every replica shares. */
export function redisClientDocumentCache(config: Config): RedisClientDocumentCache {
  return new RedisClientDocumentCache(redisConnectionOptions(config));
}

/** The projector's and the rebuild command's hold on the projection generations; `url` overrides REDIS_URL. */
export function redisProjectionControl(config: Config, url?: string): RedisProjectionControl {
  return new RedisProjectionControl(redisConnectionOptions(config, url === undefined ? {} : { url }));
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
