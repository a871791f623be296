import { loadConfig } from '@grantline/lib-config';
import { createApp, createLogger, finishApp, listen, onShutdown } from '@grantline/lib-http';
import { kafkaEventLog, redisProjectionStore } from '@grantline/lib-runtime';
import { startProjector } from './projector';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('projector', config.LOG_LEVEL);
  const log = kafkaEventLog(config, 'grantline-projector');
  await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  const store = redisProjectionStore(config);
  await store.waitUntilReady(10_000);
  const subscription = await startProjector(log, store, `${config.GRANTLINE_CONSUMER_GROUP_PREFIX}projector`);
  const app = createApp(async () => ({ kafka: await log.ping(), redis: await store.ping() }), { trustProxy: config.GRANTLINE_TRUST_PROXY });
  const server = await listen(finishApp(app, logger), config.GRANTLINE_HOST, config.PORT);
  logger.info({ port: config.PORT }, 'projector running');
  onShutdown(async () => {
    server.close();
    await subscription.close();
    await Promise.all([log.close(), store.close()]);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
