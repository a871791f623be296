// First: when spans go to a collector, the library instrumentations must load before anything they patch.
import '@grantline/lib-telemetry/instrument';
import { loadConfig, shutdownSettings } from '@grantline/lib-config';
import { createApp, createLogger, runMain } from '@grantline/lib-http';
import { createTelemetry } from '@grantline/lib-telemetry';
import {
  deadLetterReporter,
  exitOnFatal,
  kafkaEventLog,
  lagReadiness,
  redisProjectionControl,
  serve,
} from '@grantline/lib-runtime';
import { streams } from '@grantline/lib-events';
import { startProjector } from './projector';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('projector', config.LOG_LEVEL);
  const telemetry = createTelemetry('projector', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-projector', {
    onDeadLettered: deadLetterReporter('projector', logger, telemetry.metrics),
    metrics: telemetry.metrics,
  });
  await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  const control = redisProjectionControl(config);
  await control.waitUntilReady(10_000);
  await control.assertKeepsKeys(config.GRANTLINE_REDIS_EVICTION_CHECK);
  const groupId = `${config.GRANTLINE_CONSUMER_GROUP_PREFIX}projector`;
  const projector = await startProjector({
    log,
    control,
    groupId,
    checkIntervalMs: config.GRANTLINE_PROJECTION_CHECK_INTERVAL_MS,
    telemetry,
    logger,
    onFatal: exitOnFatal(logger),
  });
  const caughtUp = lagReadiness(log, { groupId, streams, maxLag: config.GRANTLINE_CONSUMER_READY_MAX_LAG });
  const app = createApp(async () => ({ kafka: await log.ping(), redis: await control.ping(), lag: await caughtUp() }), {
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    telemetry,
  });
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'projector',
    shutdown: shutdownSettings(config),
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    release: () => projector.close().then(() => Promise.all([log.close(), control.close()])),
  });
}

runMain(main);
