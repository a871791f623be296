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
import { devicePollForwarder } from './device-poll-forwarder';
import { personalAccessTokenRoutes } from './personal-access-token-routes';
import { discoveryRoutes, tokenEndpoints } from './token-routes';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('token', config.LOG_LEVEL);
  const telemetry = createTelemetry('token', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = kafkaEventLog(config, 'grantline-token');
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
  app.use(discoveryRoutes(context));
  app.use(personalAccessTokenRoutes(context, logger));
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'token',
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    endpoints: tokenEndpoints(
      context,
      config.GRANTLINE_DEVICE_POLLING_URL === undefined
        ? undefined
        : devicePollForwarder(config.GRANTLINE_DEVICE_POLLING_URL.split(',').map((url) => url.trim())),
    ),
    isWebOrigin: (origin) => store.isWebOrigin(origin),
    release: () => Promise.all([log.close(), store.close(), guards.close()]),
  });
}

runMain(main);
