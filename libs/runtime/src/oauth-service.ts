import type { Router } from 'express';
import { loadConfig, shutdownSettings, type Config } from '@grantline/lib-config';
import type { EventLog } from '@grantline/lib-event-log';
import { createApp, createLogger, type Logger } from '@grantline/lib-http';
import type { OAuthContext } from '@grantline/lib-oauth';
import { createTelemetry } from '@grantline/lib-telemetry';
import { checkRedis, kafkaEventLog, redisClientDocumentCache, redisGuardStore, redisProjectionStore } from './adapters';
import { loadKeyRing } from './key-ring';
import type { OAuthEndpoint } from './oauth-dispatch';
import { createOAuthContext } from './oauth-context';
import { serve } from './serve-app';
import { tracedEventLog } from './traced-event-log';

export interface OAuthServiceParts {
  config: Config;
  context: OAuthContext;
  logger: Logger;
}

export interface OAuthServiceShape {
  /** Served on the lean path (no framework in front). */
  endpoints?: OAuthEndpoint[];
  /** Served by express behind them. */
  routers?: Router[];
  /** Stops background work the shape started, called when the service shuts down. */
  stops?: Array<() => void>;
}

/**
 * The wiring every OAuth-facing service shares: configuration, logs and telemetry, the event
 * log, the projection and guard stores, the OAuth context, probes that check each adapter,
 * and a graceful shutdown. `readOnlyLog` is for services that never append (introspection).
 */
export async function serveOAuthService(
  service: string,
  shape: (parts: OAuthServiceParts) => OAuthServiceShape,
  options: { readOnlyLog?: EventLog } = {},
): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(service, config.LOG_LEVEL);
  const telemetry = createTelemetry(service, config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const log = tracedEventLog(
    options.readOnlyLog ?? kafkaEventLog(config, `grantline-${service}`, { metrics: telemetry.metrics }),
    telemetry.tracing,
  );
  const store = redisProjectionStore(config);
  const guards = redisGuardStore(config);
  const documents = redisClientDocumentCache(config);
  // Both stores use the same Redis; one check covers them.
  await checkRedis(config, store, (error) => {
    logger.fatal({ err: error }, 'refusing to run against a Redis that may evict keys');
    process.exit(1);
  });
  const keys = await loadKeyRing(config);
  const context = createOAuthContext(config, log, store, guards, keys, telemetry.metrics, documents);
  const ready = async (): Promise<Record<string, boolean>> => {
    const redis = (await store.ping()) && (await guards.ping());
    // False while the projection is missing, being rebuilt or behind what this replica saw.
    const projection = redis && (await store.isServing());
    return options.readOnlyLog ? { redis, projection } : { kafka: await log.ping(), redis, projection };
  };
  const app = createApp(ready, { trustProxy: config.GRANTLINE_TRUST_PROXY, telemetry });
  const { endpoints, routers = [], stops = [] } = shape({ config, context, logger });
  for (const router of routers) app.use(router);
  await serve(app, logger, {
    host: config.GRANTLINE_HOST,
    port: config.PORT,
    service,
    shutdown: shutdownSettings(config),
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    ...(endpoints ? { endpoints } : {}),
    isWebOrigin: (origin) => store.isWebOrigin(origin),
    release: () => {
      for (const stop of stops) stop();
      return Promise.all([log.close(), store.close(), guards.close(), documents.close()]);
    },
  });
}
