import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@grantline/lib-infra';
import { findExecutable } from '../../libs/infra/src/process-control';
import { pingRedis } from '../../libs/infra/src/redis-server';

export interface PrivateRedisOptions {
  /** More redis-server options; they come after the defaults, so they win (e.g. `--maxmemory-policy allkeys-lru`). */
  args?: string[];
  /** The data folder, where `dump.rdb` is read at start; a new temporary one when absent. */
  dir?: string;
  /** The port on 127.0.0.1; a free one when absent. */
  port?: number;
  /** How long a start may take until Redis answers PING; 10 s when absent. */
  startTimeoutMs?: number;
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** The data folder (`--dir`); the snapshot in it is `dump.rdb`. */
  dir: string;
  /** The process id of the server running now; it changes with `restart`. */
  readonly pid: number;
  /** What the server printed since it last started, for error messages. */
  output(): string;
  /** Stops the server by its PID and waits until it has exited (SIGKILL after 10 s); harmless when it is stopped. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same port and folder (so it loads `dir/dump.rdb`). */
  restart(): Promise<void>;
  /** Stops the server and removes the data folder if this helper made it. */
  close(): Promise<void>;
}

const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 64 * 1024;

/**
 * A redis-server of a test's own, on loopback, with its own data folder: for settings the shared
 * Redis must not have (an eviction policy, a renamed command) and for restoring a snapshot
 * (stop, copy a `dump.rdb` into `dir`, restart). By default it saves nothing by itself
 * (`--save '' --appendonly no`); pass `--save` in `args` to change that.
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const binary = findExecutable('redis-server');
  if (!binary) throw new Error('redis-server was not found on PATH (it is in the Debian package redis-server)');
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'grantline-redis-'));
  const port = options.port ?? (await freePort());
  const args = [
    ...['--bind', '127.0.0.1', '--port', String(port), '--protected-mode', 'yes', '--daemonize', 'no'],
    ...['--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no', '--logfile', ''],
    ...(options.args ?? []),
  ];
  let server: RunningServer | undefined;

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    await server?.stop(signal);
  };
  const start = async (): Promise<void> => {
    server = await startServer(binary, args, port, options.startTimeoutMs ?? 10_000);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      if (!server) throw new Error('the private Redis is not running');
      return server.pid;
    },
    output: () => server?.output() ?? '',
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface RunningServer {
  pid: number;
  output(): string;
  stop(signal: NodeJS.Signals): Promise<void>;
}

async function startServer(binary: string, args: string[], port: number, timeoutMs: number): Promise<RunningServer> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const failed = new Promise<Error>((resolve) => child.once('error', resolve));
  const running = (): boolean => child.exitCode === null && child.signalCode === null;
  const server: RunningServer = {
    pid: child.pid ?? -1,
    output: () => output,
    stop: (signal) => stopChild(child, exited, running, signal),
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problem = await Promise.race([failed, sleep(50).then(() => undefined)]);
    if (problem) throw new Error(`could not start ${binary}: ${problem.message}`);
    if (!running()) throw new Error(`redis-server on port ${port} exited at start:\n${output}`);
    if (await pingRedis(port, 500)) return server;
    if (Date.now() > deadline) {
      await server.stop('SIGKILL');
      throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms:\n${output}`);
    }
  }
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<void>,
  running: () => boolean,
  signal: NodeJS.Signals,
): Promise<void> {
  if (!running() || child.pid === undefined) return;
  signalPid(child.pid, signal);
  const timer = setTimeout(() => {
    if (running() && child.pid !== undefined) signalPid(child.pid, 'SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // it exited meanwhile
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
