import { loadConfig } from '@grantline/lib-config';
import type { EventLog } from '@grantline/lib-event-log';
import { createApp, createLogger, runMain, serve } from '@grantline/lib-http';
import { createTelemetry } from '@grantline/lib-telemetry';
import { createOAuthContext, loadKeyRing, redisGuardStore, redisProjectionStore } from '@grantline/lib-runtime';
import { introspectionEndpoints } from './introspection-routes';

/** Introspection never writes to the log; it reads projections and verifies signatures. */
const readOnlyLog: EventLog = {
  append: () => Promise.reject(new Error('the introspection service does not append events')),
  subscribe: () => Promise.reject(new Error('the introspection service does not subscribe')),
  replay: () => Promise.reject(new Error('the introspection service does not read the log')),
  ping: async () => true,
  close: async () => undefined,
};

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('introspection', config.LOG_LEVEL);
  const telemetry = createTelemetry('introspection', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const store = redisProjectionStore(config);
  const guards = redisGuardStore(config);
  const context = createOAuthContext(config, readOnlyLog, store, guards, await loadKeyRing(config), telemetry.metrics);
  const app = createApp(async () => ({ redis: (await store.ping()) && (await guards.ping()) }), {
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    telemetry,
  });
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service: 'introspection',
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    endpoints: introspectionEndpoints(context),
    isWebOrigin: (origin) => store.isWebOrigin(origin),
    release: () => Promise.all([store.close(), guards.close()]),
  });
}

runMain(main);
