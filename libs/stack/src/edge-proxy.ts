import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRoutingTable, nginxConfig } from '@grantline/lib-edge';

export interface EdgeProxy {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs nginx in the foreground with a config generated from the routing table. */
export function startEdgeProxy(options: {
  nginx: string;
  workDir: string;
  port: number;
  upstreams: Record<string, number[]>;
}): EdgeProxy {
  const prefix = join(options.workDir, 'nginx');
  mkdirSync(prefix, { recursive: true });
  const configPath = join(prefix, 'nginx.conf');
  writeFileSync(
    configPath,
    nginxConfig(loadRoutingTable(), {
      listen: { host: '127.0.0.1', port: options.port },
      upstreams: options.upstreams,
      prefix,
    }),
  );
  const child = spawn(options.nginx, ['-p', prefix, '-c', configPath, '-e', join(prefix, 'error.log')], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGQUIT lets nginx finish in-flight requests.
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
