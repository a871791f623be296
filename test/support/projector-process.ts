import { repoRoot } from '@grantline/lib-infra';
import { startService, type ServiceProcess } from '@grantline/lib-stack';
import { infraFromEnv } from '../stack/stack-fixture';

/** A projector process over the test's infrastructure, isolated by `namespace` (topics, keys, group). */
export function startProjectorProcess(options: {
  namespace: string;
  workDir: string;
  replica: number;
  env?: Record<string, string>;
}): Promise<ServiceProcess> {
  const infra = infraFromEnv();
  const { namespace } = options;
  return startService({
    root: repoRoot(),
    service: 'projector',
    replica: options.replica,
    logDir: options.workDir,
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: infra.kafkaBrokers,
      REDIS_URL: infra.redisUrl,
      GRANTLINE_KAFKA_TOPIC_PREFIX: `${namespace}.`,
      GRANTLINE_REDIS_PREFIX: `${namespace}:`,
      GRANTLINE_CONSUMER_GROUP_PREFIX: `${namespace}.`,
      ...options.env,
    },
  });
}
