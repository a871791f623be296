import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports';
import { privateProcess } from './private-process';
import { findExecutable } from './process-control';
import { pingRedis } from './redis-server';

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
  /** Stops the server and removes the data folder if it made it itself. */
  close(): Promise<void>;
}

/**
 * A redis-server of its owner's own, on loopback, with its own data folder: for settings a shared
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
  const server = privateProcess({
    label: `redis-server on port ${port}`,
    command: binary,
    args: [
      ...['--bind', '127.0.0.1', '--port', String(port), '--protected-mode', 'yes', '--daemonize', 'no'],
      ...['--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no', '--logfile', ''],
      ...(options.args ?? []),
    ],
    probe: () => pingRedis(port, 500),
    startTimeoutMs: options.startTimeoutMs ?? 10_000,
  });
  await server.start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return server.pid;
    },
    output: server.output,
    stop: server.stop,
    restart: async () => {
      await server.stop();
      await server.start();
    },
    close: async () => {
      await server.stop();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
