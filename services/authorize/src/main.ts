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
import { authorizeRoutes } from './authorize-routes';
import { deviceRoutes } from './device-routes';

/** The authorization endpoint with its sign-in and consent pages. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('authorize', config.LOG_LEVEL);
  const telemetry = createTelemetry('authorize', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-authorize');
  const store = redisProjectionStore(config);
  const guards = redisGuardStore(config);
  const context = createOAuthContext(config, log, store, guards, await loadKeyRing(config), telemetry.metrics);
  const app = createApp(
    async () => ({ kafka: await log.ping(), redis: (await store.ping()) && (await guards.ping()) }),
    {
      trustProxy: config.GRANTLINE_TRUST_PROXY,
      telemetry,
    },
  );
  app.use(authorizeRoutes(context, logger));
  app.use(deviceRoutes(context, logger));
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'authorize',
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    release: () => Promise.all([log.close(), store.close(), guards.close()]),
  });
}

runMain(main);
