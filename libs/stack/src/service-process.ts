import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { listeningMessageOf } from '@grantline/lib-http';

/** How a service process ended. */
export interface ServiceExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Past every drain the stack configures (delay, deadline, flush): a process still running then is
 * stuck and is killed.
 */
const KILL_AFTER_MS = 20_000;

export interface ServiceProcess {
  name: string;
  replica: number;
  port: number;
  url: string;
  logFile: string;
  child: ChildProcess;
  /** Settles when the process has ended, however it ended. */
  exited: Promise<ServiceExit>;
  /** Signals the process (SIGTERM: its graceful drain) and resolves once it has ended. */
  stop(signal?: NodeJS.Signals): Promise<ServiceExit>;
}

interface LaunchOptions {
  root: string;
  service: string;
  replica: number;
  env: NodeJS.ProcessEnv;
  logDir: string;
  /** Rewrites the command line, e.g. to run it in another network namespace. */
  wrap?: (argv: readonly string[]) => string[];
}

/** Starts one service's built entry point as its own process on a given port, logging to a file. */
export function spawnService(options: LaunchOptions & { port: number }): ServiceProcess {
  return serviceProcess(launch(options, options.port), options.port);
}

/** How long a service may take from spawn to binding its port. */
const LISTEN_TIMEOUT_MS = 60_000;

/**
 * Starts a service like {@link spawnService} and resolves once it has bound a port. The service
 * picks the port itself (PORT=0) and sends it over IPC, so no other process can take the port
 * between its choice and the bind.
 */
export async function startService(options: LaunchOptions): Promise<ServiceProcess> {
  const launched = launch(options, 0);
  try {
    return serviceProcess(launched, await boundPort(launched, options.service));
  } catch (error) {
    await launched.stop('SIGKILL');
    throw error;
  }
}

type Launched = Omit<ServiceProcess, 'port' | 'url'>;

function launch(options: LaunchOptions, port: number): Launched {
  const logFile = join(options.logDir, `${options.service}-${options.replica}.log`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const argv = [process.execPath, join(options.root, 'services', options.service, 'dist', 'main.js')];
  const [command, ...args] = options.wrap?.(argv) ?? argv;
  const child = spawn(command!, args, {
    env: { ...options.env, PORT: String(port), GRANTLINE_HOST: '127.0.0.1' },
    // The IPC channel carries the bound port (startService); the service closes it once sent.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<ServiceExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    name: options.service,
    replica: options.replica,
    logFile,
    child,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

function serviceProcess(launched: Launched, port: number): ServiceProcess {
  return { ...launched, port, url: `http://127.0.0.1:${port}` };
}

/** The port the service names over its IPC channel once bound (whatever its log level). */
function boundPort(launched: Launched, service: string): Promise<number> {
  const name = `${launched.name}-${launched.replica}`;
  const { child } = launched;
  return new Promise<number>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const listening = listeningMessageOf(message);
      if (listening?.service === service) settle(() => resolve(listening.port));
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(new Error(`${name} bound no port within ${LISTEN_TIMEOUT_MS} ms; see ${launched.logFile}`)),
        ),
      LISTEN_TIMEOUT_MS,
    );
    const settle = (outcome: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      outcome();
    };
    child.on('message', onMessage);
    void launched.exited.then((exit) =>
      settle(() =>
        reject(
          new Error(
            `${name} exited (code ${exit.code}, signal ${exit.signal}) before listening; see ${launched.logFile}`,
          ),
        ),
      ),
    );
  });
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
