import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

export interface ServiceProcess {
  name: string;
  replica: number;
  port: number;
  url: string;
  logFile: string;
  child: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts one service's built entry point as its own process, logging to a file. */
export function spawnService(options: {
  root: string;
  service: string;
  replica: number;
  port: number;
  env: NodeJS.ProcessEnv;
  logDir: string;
}): ServiceProcess {
  const logFile = join(options.logDir, `${options.service}-${options.replica}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [join(options.root, 'services', options.service, 'dist', 'main.js')], {
    env: { ...options.env, PORT: String(options.port), GRANTLINE_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: options.service,
    replica: options.replica,
    port: options.port,
    url: `http://127.0.0.1:${options.port}`,
    logFile,
    child,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls a URL until it answers 200, the process exits, or the deadline passes. */
export async function waitUntilReady(service: ServiceProcess, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) {
      throw new Error(
        `${service.name}-${service.replica} exited (code ${service.child.exitCode}); see ${service.logFile}`,
      );
    }
    try {
      const response = await fetch(`${service.url}${path}`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${service.name}-${service.replica} not ready after ${timeoutMs} ms; see ${service.logFile}`);
}
