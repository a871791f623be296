import { downLocalInfra, upLocalInfra } from './local-infra';
import { localInfraStatus } from './local-status';
import { infraDir } from './paths';
import type { InfraUrls } from './types';
import { messageOf } from './errors';

const USAGE = 'usage: node libs/infra/dist/cli.js up|down|status';

// Progress goes to stderr so stdout of `up` stays eval-able KEY=VALUE lines.
const log = (line: string): void => {
  process.stderr.write(`[infra] ${line}\n`);
};

function envLines(urls: InfraUrls): string {
  return `KAFKA_BROKERS=${urls.kafkaBrokers}\nREDIS_URL=${urls.redisUrl}\nMONGODB_URL=${urls.mongodbUrl}\n`;
}

async function up(): Promise<void> {
  process.stdout.write(envLines(await upLocalInfra({ log })));
}

async function status(): Promise<void> {
  const report = await localInfraStatus();
  for (const server of report.servers) {
    const pid = server.pid === undefined ? '-' : String(server.pid);
    const port = server.port === undefined ? '-' : String(server.port);
    process.stdout.write(
      `${server.name.padEnd(9)} ${(server.up ? 'up' : 'down').padEnd(5)} pid ${pid.padEnd(8)} port ${port}\n`,
    );
  }
  if (report.urls !== undefined) process.stdout.write(envLines(report.urls));
  process.stdout.write(`${report.running ? 'running' : 'not running'} (state in ${infraDir()})\n`);
}

async function main(verb: string | undefined): Promise<void> {
  switch (verb) {
    case 'up':
      return up();
    case 'down':
      await downLocalInfra({ log });
      log('down');
      return;
    case 'status':
      return status();
    default:
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`[infra] ${messageOf(error)}\n`);
  process.exitCode = 1;
});
