// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import { loadConfig, required, shutdownSettings } from '@grantline/lib-config';
import { createApp, createLogger, runMain } from '@grantline/lib-http';
import { createTelemetry } from '@grantline/lib-telemetry';
import { MongoAuditStore } from '@grantline/lib-projections';
import { streams } from '@grantline/lib-events';
import { deadLetterReporter, exitOnFatal, kafkaEventLog, lagReadiness, serve } from '@grantline/lib-runtime';
import { startAuditConsumer } from './audit-consumer';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('audit', config.LOG_LEVEL);
  const telemetry = createTelemetry('audit', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-audit', {
    onDeadLettered: deadLetterReporter('audit', logger, telemetry.metrics),
    metrics: telemetry.metrics,
  });
  await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  const audit = await MongoAuditStore.connect(required(config, 'MONGODB_URL'), config.GRANTLINE_MONGODB_DATABASE);
  const groupId = `${config.GRANTLINE_CONSUMER_GROUP_PREFIX}audit`;
  const consumer = await startAuditConsumer({
    log,
    audit,
    groupId,
    checkIntervalMs: config.GRANTLINE_PROJECTION_CHECK_INTERVAL_MS,
    telemetry,
    logger,
    onFatal: exitOnFatal(logger),
  });
  const caughtUp = lagReadiness(log, { groupId, streams, maxLag: config.GRANTLINE_CONSUMER_READY_MAX_LAG });
  // Not ready while refilling: the group's committed offsets, which the lag is measured on, do not show it.
  const ready = async () => ({
    kafka: await log.ping(),
    mongodb: await audit.ping(),
    lag: await caughtUp(),
    refilled: !consumer.refilling,
  });
  const app = createApp(ready, {
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    telemetry,
  });
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'audit',
    shutdown: shutdownSettings(config),
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    release: () => consumer.close().then(() => Promise.all([log.close(), audit.close()])),
  });
}

runMain(main);
