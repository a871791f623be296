import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { resolveInfra, stateDir } from '@grantline/lib-infra';
import { startStack } from '@grantline/lib-stack';

/** `grantline stack`: infrastructure up, every service as its own process, nginx on :3000. */
export function stackCommand(): Command {
  return new Command('stack')
    .description('run every service against real Kafka, Redis and MongoDB behind one origin')
    .option('--port <port>', 'public port', '3000')
    .action(async (options: { port: string }) => {
      const log = (line: string) => process.stdout.write(`${line}\n`);
      const started = Date.now();
      const infra = await resolveInfra({ log });
      const stack = await startStack({
        infra: infra.urls,
        publicPort: Number(options.port),
        workDir: join(stateDir(), 'stack'),
        adminTokenFile: join(resolve(process.env.GRANTLINE_DATA_DIR ?? join(stateDir(), 'data')), 'admin-token'),
        log,
      });
      log(
        `Grantline stack on ${stack.url} (started in ${((Date.now() - started) / 1000).toFixed(1)} s); Ctrl-C stops it`,
      );
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        log('stopping…');
        void stack
          .stop()
          .then(() => infra.release())
          .finally(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
