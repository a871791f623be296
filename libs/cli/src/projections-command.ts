import { Command } from 'commander';
import { loadConfig } from '@grantline/lib-config';
import { streams } from '@grantline/lib-events';
import { ProjectionCheck } from '@grantline/lib-projections';
import { kafkaEventLog, redisProjectionStore } from '@grantline/lib-runtime';

/** `grantline projections verify`: replays the log and compares the Redis projection with it. */
export function projectionsCommand(): Command {
  const projections = new Command('projections').description('check the projections against the event log');
  projections
    .command('verify')
    .description('rebuild the hot projection from Kafka in memory and compare it with Redis (stack mode settings)')
    .action(async () => {
      const config = loadConfig();
      const log = kafkaEventLog(config, 'grantline-verify');
      const store = redisProjectionStore(config);
      try {
        await store.waitUntilReady(10_000);
        const check = new ProjectionCheck();
        await log.replay(streams, (event, position) => check.apply(event, position));
        const result = await check.compare(store);
        process.stdout.write(
          JSON.stringify({ consistent: result.differences.length === 0, ...result }, null, 2) + '\n',
        );
        if (result.differences.length > 0) process.exitCode = 1;
      } finally {
        await Promise.all([log.close(), store.close()]);
      }
    });
  return projections;
}
