import { loadConfig, required } from '@grantline/lib-config';
import { createApp, createLogger, finishApp, listen, onShutdown } from '@grantline/lib-http';
import { MongoAuditStore } from '@grantline/lib-projections';
import { kafkaEventLog } from '@grantline/lib-runtime';
import { startAuditConsumer } from './audit-consumer';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger('audit', config.LOG_LEVEL);
  const log = kafkaEventLog(config, 'grantline-audit');
  await log.ensureTopics(config.GRANTLINE_KAFKA_REPLICATION_FACTOR);
  const audit = await MongoAuditStore.connect(required(config, 'MONGODB_URL'), config.GRANTLINE_MONGODB_DATABASE);
  const subscription = await startAuditConsumer(log, audit, `${config.GRANTLINE_CONSUMER_GROUP_PREFIX}audit`);
  const app = createApp(async () => ({ kafka: await log.ping(), mongodb: await audit.ping() }), { trustProxy: config.GRANTLINE_TRUST_PROXY });
  const server = await listen(finishApp(app, logger), config.GRANTLINE_HOST, config.PORT);
  logger.info({ port: config.PORT }, 'audit consumer running');
  onShutdown(async () => {
    server.close();
    await subscription.close();
    await Promise.all([log.close(), audit.close()]);
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
