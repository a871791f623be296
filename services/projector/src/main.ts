import { loadConfig, required } from '@grantline/lib-config';
import { createApp, createLogger, runMain, serve } from '@grantline/lib-http';
import { RedisProjectionControl } from '@grantline/lib-projections';
import { createTelemetry } from '@grantline/lib-telemetry';
import { kafkaEventLog } from '@grantline/lib-runtime';
import { startProjector } from './projector';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('projector', config.LOG_LEVEL);
  const telemetry = createTelemetry('projector', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-projector');
  await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  const control = new RedisProjectionControl({
    url: required(config, 'REDIS_URL'),
    keyPrefix: config.GRANTLINE_REDIS_PREFIX,
  });
  await control.waitUntilReady(10_000);
  await control.assertKeepsKeys(config.GRANTLINE_REDIS_EVICTION_CHECK);
  const projector = await startProjector({
    log,
    control,
    groupId: `${config.GRANTLINE_CONSUMER_GROUP_PREFIX}projector`,
    checkIntervalMs: config.GRANTLINE_PROJECTION_CHECK_INTERVAL_MS,
    telemetry,
    logger,
    onFatal: (error) => {
      logger.fatal({ err: error }, 'event subscription stopped');
      process.exit(1);
    },
  });
  const app = createApp(async () => ({ kafka: await log.ping(), redis: await control.ping() }), {
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    telemetry,
  });
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'projector',
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    release: () => projector.close().then(() => Promise.all([log.close(), control.close()])),
  });
}

runMain(main);
