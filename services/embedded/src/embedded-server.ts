import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Config } from '@grantline/lib-config';
import { streams } from '@grantline/lib-events';
import { FileEventLog } from '@grantline/lib-event-log';
import { addressOf, createApp, listen, type Logger } from '@grantline/lib-http';
import { idTokenKeyWarning, randomIds, UnsentNotices } from '@grantline/lib-oauth';
import { MemoryAuditStore, MemoryGuardStore, MemoryProjectionStore } from '@grantline/lib-projections';
import { createTelemetry } from '@grantline/lib-telemetry';
import {
  createOAuthContext,
  ensureKeyDirectory,
  loadKeyRing,
  resendOwedBackchannelLogouts,
  serviceListener,
  startBackchannelLogouts,
  startIdleClientSweep,
} from '@grantline/lib-runtime';
import { adminRoutes } from '@grantline/svc-admin';
import { authorizeRoutes, deviceRoutes, logoutRoutes } from '@grantline/svc-authorize';
import { deviceAuthorizationEndpoints } from '@grantline/svc-device-polling';
import { introspectionEndpoints } from '@grantline/svc-introspection';
import { discoveryRoutes, personalAccessTokenRoutes, registrationRoutes, tokenEndpoints } from '@grantline/svc-token';
import { ensureDemoData, type DemoData } from './demo-data';

export interface EmbeddedServer {
  url: string;
  adminToken: string;
  /** The demo clients and user, only on the start that created them. */
  demo?: DemoData;
  close(): Promise<void>;
}

/**
 * Every service's handlers in one process, on the embedded log and in-memory projections that
 * are rebuilt from the log before the first request is served.
 */
export async function startEmbeddedServer(config: Config, logger: Logger): Promise<EmbeddedServer> {
  const dataDir = resolve(config.GRANTLINE_DATA_DIR);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log = new FileEventLog(join(dataDir, 'log'));
  // Replaying the log at start puts back the guards of used codes and rotated refresh tokens.
  const guards = new MemoryGuardStore();
  const store = new MemoryProjectionStore(undefined, guards);
  const audit = new MemoryAuditStore();
  // Back-channel notices owed when the process stopped: the log read at start shows them.
  let unsent: UnsentNotices | null = new UnsentNotices();
  await log.subscribe({
    groupId: 'embedded',
    streams,
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const { event, position } of batch) {
        await store.apply(event, position);
        unsent?.observe(event);
      }
      await audit.recordAll(batch);
    },
  });
  const owed = unsent.owed(Math.floor(Date.now() / 1000));
  unsent = null;

  const keysDir = config.GRANTLINE_SIGNING_KEYS_DIR ?? join(dataDir, 'keys');
  if (!config.GRANTLINE_SIGNING_KEYS) await ensureKeyDirectory(keysDir);
  const keys = await loadKeyRing({ ...config, GRANTLINE_SIGNING_KEYS_DIR: keysDir });
  const adminToken = config.GRANTLINE_ADMIN_TOKEN ?? persistentSecret(dataDir, 'admin-token');
  // Pairwise subjects work out of the box, the same across restarts on one data folder.
  const settings = {
    ...config,
    GRANTLINE_PAIRWISE_SALT: config.GRANTLINE_PAIRWISE_SALT ?? persistentSecret(dataDir, 'pairwise-salt'),
  };
  const demo = await ensureDemoData(log, store);

  const telemetry = createTelemetry('embedded', config.OTEL_EXPORTER_OTLP_ENDPOINT);
  const context = createOAuthContext(settings, log, store, guards, keys, telemetry.metrics);
  const keyWarning = idTokenKeyWarning(keys);
  if (keyWarning) logger.warn(keyWarning);
  const app = createApp(async () => ({ log: await log.ping() }), {
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    telemetry,
  });
  app.use(discoveryRoutes(context));
  app.use(personalAccessTokenRoutes(context, logger));
  app.use(registrationRoutes(context, logger));
  app.use(authorizeRoutes(context, logger));
  app.use(deviceRoutes(context, logger));
  app.use(logoutRoutes(context, logger));
  app.use(
    adminRoutes(adminToken, {
      log,
      store,
      audit,
      ids: randomIds,
      now: () => new Date(),
      logger,
      keys,
      tokenSettings: context.settings,
    }),
  );
  const listener = serviceListener(app, logger, {
    endpoints: [
      ...tokenEndpoints(context),
      ...deviceAuthorizationEndpoints(context),
      ...introspectionEndpoints(context),
    ],
    telemetry,
    trustProxy: config.GRANTLINE_TRUST_PROXY,
    isWebOrigin: (origin) => store.isWebOrigin(origin),
  });
  const server: Server = await listen(listener, config.GRANTLINE_HOST, config.PORT);
  const stopSweep = startIdleClientSweep(context, config.GRANTLINE_DYNAMIC_CLIENT_SWEEP_INTERVAL, logger);
  const stopBackchannel = startBackchannelLogouts(context, logger, {
    groupPrefix: config.GRANTLINE_CONSUMER_GROUP_PREFIX,
    beside: true,
  });
  void resendOwedBackchannelLogouts(context, logger, owed);
  const { port } = addressOf(server);
  return {
    url: `http://${config.GRANTLINE_HOST}:${port}`,
    adminToken,
    ...(demo ? { demo } : {}),
    close: async () => {
      stopSweep();
      stopBackchannel();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await log.close();
    },
  };
}

/**
 * A secret kept in the data folder, made on the first start: the admin token (which the CLI
 * finds there) and the pairwise salt.
 */
function persistentSecret(dataDir: string, name: string): string {
  const path = join(dataDir, name);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  writeFileSync(path, token + '\n', { mode: 0o600 });
  return token;
}
