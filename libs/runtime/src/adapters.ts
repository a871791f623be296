import { required, type Config } from '@grantline/lib-config';
import { KafkaEventLog } from '@grantline/lib-event-log';
import { RedisGuardStore, RedisProjectionStore } from '@grantline/lib-projections';

export function kafkaEventLog(config: Config, clientId: string): KafkaEventLog {
  return new KafkaEventLog({
    brokers: required(config, 'KAFKA_BROKERS')
      .split(',')
      .map((broker) => broker.trim()),
    clientId,
    topicPrefix: config.GRANTLINE_KAFKA_TOPIC_PREFIX,
    appendTimeoutMs: config.GRANTLINE_APPEND_TIMEOUT_MS,
  });
}

export function redisProjectionStore(config: Config): RedisProjectionStore {
  return new RedisProjectionStore({ url: required(config, 'REDIS_URL'), keyPrefix: config.GRANTLINE_REDIS_PREFIX });
}

export function redisGuardStore(config: Config): RedisGuardStore {
  return new RedisGuardStore({ url: required(config, 'REDIS_URL'), keyPrefix: config.GRANTLINE_REDIS_PREFIX });
}
