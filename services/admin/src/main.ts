// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import { loadConfig, required, shutdownSettings } from '@grantline/lib-config';
import { createApp, createLogger, runMain } from '@grantline/lib-http';
import { createTelemetry } from '@grantline/lib-telemetry';
import { randomIds } from '@grantline/lib-oauth';
import { MongoAuditStore } from '@grantline/lib-projections';
import {
  deadLetterReporter,
  kafkaEventLog,
  loadKeyRing,
  oauthSettings,
  redisProjectionStore,
  serve,
} from '@grantline/lib-runtime';
import { adminRoutes } from './admin-routes';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('admin', config.LOG_LEVEL);
  const telemetry = createTelemetry('admin', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-admin', {
    onDeadLettered: deadLetterReporter('admin', logger, telemetry.metrics),
    metrics: telemetry.metrics,
  });
  await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  const store = redisProjectionStore(config);
  await store.assertKeepsKeys(config.GRANTLINE_REDIS_EVICTION_CHECK);
  // Personal access tokens minted here are signed like every access token.
  const keys = await loadKeyRing(config);
  // Read-only here: the audit consumer is the projection's single writer.
  const audit = await MongoAuditStore.connect(required(config, 'MONGODB_URL'), config.GRANTLINE_MONGODB_DATABASE);
  const app = createApp(
    async () => ({ kafka: await log.ping(), redis: await store.ping(), mongodb: await audit.ping() }),
    {
      trustProxy: config.GRANTLINE_TRUST_PROXY,
      telemetry,
    },
  );
  app.use(
    adminRoutes(required(config, 'GRANTLINE_ADMIN_TOKEN'), {
      log,
      store,
      ids: randomIds,
      now: () => new Date(),
      logger,
      audit,
      keys,
      tokenSettings: oauthSettings(config),
    }),
  );
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'admin',
    shutdown: shutdownSettings(config),
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    release: () => Promise.all([log.close(), store.close(), audit.close()]),
  });
}

runMain(main);
