import { Command } from 'commander';
import { rebuildProjections } from './projections-rebuild';
import { verifyProjections } from './projections-verify';

/** `grantline projections verify|rebuild`: the Redis projection against the event log. */
export function projectionsCommand(): Command {
  const projections = new Command('projections').description('check or rebuild the projections from the event log');
  projections
    .command('verify')
    .description('rebuild the hot projection from Kafka in memory and compare it with Redis (stack mode settings)')
    .action(async () => {
      process.exitCode = await verifyProjections();
    });
  projections
    .command('rebuild')
    .description(
      'replay the log into a new keyspace beside the live one and switch readers to it in one step (stack mode settings)',
    )
    .option('--redis-url <url>', 'build into another Redis (then point the services at it) instead of REDIS_URL')
    .action(async (options: { redisUrl?: string }) => {
      const result = await rebuildProjections(options.redisUrl ? { redisUrl: options.redisUrl } : {});
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    });
  return projections;
}
