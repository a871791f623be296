import { loadConfig } from '@grantline/lib-config';
import { createApp, createLogger, runMain, serve } from '@grantline/lib-http';
import { createTelemetry } from '@grantline/lib-telemetry';
import { kafkaEventLog, redisProjectionStore } from '@grantline/lib-runtime';
import { startProjector } from './projector';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('projector', config.LOG_LEVEL);
  const telemetry = createTelemetry('projector', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-projector');
  await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  const store = redisProjectionStore(config);
  await store.waitUntilReady(10_000);
  const subscription = await startProjector(
    log,
    store,
    `${config.GRANTLINE_CONSUMER_GROUP_PREFIX}projector`,
    telemetry,
    (error) => {
      logger.fatal({ err: error }, 'event subscription stopped');
      process.exit(1);
    },
  );
  const app = createApp(async () => ({ kafka: await log.ping(), redis: await store.ping() }), {
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    telemetry,
  });
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'projector',
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    release: () => subscription.close().then(() => Promise.all([log.close(), store.close()])),
  });
}

runMain(main);
