import { loadConfig } from '@grantline/lib-config';
import { createApp, createLogger, finishApp, listen, onShutdown } from '@grantline/lib-http';
import { createOAuthContext, kafkaEventLog, loadKeyRing, redisProjectionStore } from '@grantline/lib-runtime';
import { tokenRoutes } from './token-routes';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('token', config.LOG_LEVEL);
  const log = kafkaEventLog(config, 'grantline-token');
  const store = redisProjectionStore(config);
  const context = createOAuthContext(config, log, store, await loadKeyRing(config));
  const app = createApp(async () => ({ kafka: await log.ping(), redis: await store.ping() }), { trustProxy: config.GRANTLINE_TRUST_PROXY });
  app.use(tokenRoutes(context, logger));
  const server = await listen(finishApp(app, logger), config.GRANTLINE_HOST, config.PORT);
  logger.info({ port: config.PORT }, 'token service listening');
  onShutdown(async () => {
    server.close();
    await Promise.all([log.close(), store.close()]);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
