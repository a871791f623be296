import { loadConfig, required } from '@grantline/lib-config';
import { createApp, createLogger, runMain, serve } from '@grantline/lib-http';
import { createTelemetry } from '@grantline/lib-telemetry';
import { MongoAuditStore } from '@grantline/lib-projections';
import { kafkaEventLog } from '@grantline/lib-runtime';
import { startAuditConsumer } from './audit-consumer';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('audit', config.LOG_LEVEL);
  const telemetry = createTelemetry('audit', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-audit');
  await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  const audit = await MongoAuditStore.connect(required(config, 'MONGODB_URL'), config.GRANTLINE_MONGODB_DATABASE);
  const subscription = await startAuditConsumer(
    log,
    audit,
    `${config.GRANTLINE_CONSUMER_GROUP_PREFIX}audit`,
    telemetry,
    (error) => {
      logger.fatal({ err: error }, 'event subscription stopped');
      process.exit(1);
    },
  );
  const app = createApp(async () => ({ kafka: await log.ping(), mongodb: await audit.ping() }), {
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    telemetry,
  });
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'audit',
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    release: () => subscription.close().then(() => Promise.all([log.close(), audit.close()])),
  });
}

runMain(main);
