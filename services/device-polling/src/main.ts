import { loadConfig } from '@grantline/lib-config';
import { createApp, createLogger, runMain, serve } from '@grantline/lib-http';
import { createTelemetry } from '@grantline/lib-telemetry';
import {
  createOAuthContext,
  kafkaEventLog,
  loadKeyRing,
  redisGuardStore,
  redisProjectionStore,
} from '@grantline/lib-runtime';
import { devicePollingEndpoints } from './device-polling-routes';

/** Device authorization requests and polls (RFC 8628), scaled apart from the token service. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('device-polling', config.LOG_LEVEL);
  const telemetry = createTelemetry('device-polling', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-device-polling');
  const store = redisProjectionStore(config);
  const guards = redisGuardStore(config);
  const context = createOAuthContext(config, log, store, guards, await loadKeyRing(config), telemetry.metrics);
  const app = createApp(
    async () => ({ kafka: await log.ping(), redis: (await store.ping()) && (await guards.ping()) }),
    { trustProxy: config.GRANTLINE_TRUST_PROXY, telemetry },
  );
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'device-polling',
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    endpoints: devicePollingEndpoints(context),
    isWebOrigin: (origin) => store.isWebOrigin(origin),
    release: () => Promise.all([log.close(), store.close(), guards.close()]),
  });
}

runMain(main);
