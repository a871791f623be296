import { spawn, type ChildProcess } from 'node:child_process';

/** How a private server is launched and how to tell that it answers. */
export interface PrivateProcessSpec {
  /** For messages, e.g. `redis-server on port 6390`. */
  label: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the server answers; must not throw. */
  probe: () => Promise<boolean>;
  startTimeoutMs: number;
}

/**
 * One server process that its owner may stop, kill, pause and start again with the same command
 * line (so on the same port and data folder): the building block of servers a test or a fault run
 * breaks on purpose. It is a plain child of this process, stopped by its pid only.
 */
export interface PrivateProcess {
  /** The pid of the process running now; it changes with every start. */
  readonly pid: number;
  running(): boolean;
  /** What the process printed since it last started (the last 64 KiB), for error messages. */
  output(): string;
  /** Starts the process (again) and resolves once it answers its probe. */
  start(): Promise<void>;
  /** Signals the process and waits until it has exited (SIGKILL after 10 s); harmless when stopped. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Sends a signal without waiting, e.g. SIGSTOP and SIGCONT. */
  signal(signal: NodeJS.Signals): void;
}

const STOP_TIMEOUT_MS = 10_000;
const OUTPUT_LIMIT = 64 * 1024;

/** A {@link PrivateProcess} of `spec`, not yet started. */
export function privateProcess(spec: PrivateProcessSpec): PrivateProcess {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  const signal = (name: NodeJS.Signals): void => {
    if (!running() || child?.pid === undefined) return;
    try {
      process.kill(child.pid, name);
    } catch {
      // it exited meanwhile
    }
  };
  const stop = async (name: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (!running()) return;
    signal(name);
    // A stopped process only sees SIGTERM once it runs again.
    if (name !== 'SIGKILL') signal('SIGCONT');
    const timer = setTimeout(() => signal('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  const start = async (): Promise<void> => {
    if (running()) throw new Error(`${spec.label} is already running`);
    output = '';
    const launched = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = launched;
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    launched.stdout?.on('data', collect);
    launched.stderr?.on('data', collect);
    exited = new Promise<void>((resolve) => launched.once('exit', () => resolve()));
    const failed = new Promise<Error>((resolve) => launched.once('error', resolve));
    const deadline = Date.now() + spec.startTimeoutMs;
    for (;;) {
      const problem = await Promise.race([failed, sleep(50).then(() => undefined)]);
      if (problem) throw new Error(`could not start ${spec.command}: ${problem.message}`);
      if (!running()) throw new Error(`${spec.label} exited at start:\n${output}`);
      if (await spec.probe()) return;
      if (Date.now() > deadline) {
        await stop('SIGKILL');
        throw new Error(`${spec.label} did not answer within ${spec.startTimeoutMs} ms:\n${output}`);
      }
    }
  };
  return {
    get pid() {
      if (!running() || child?.pid === undefined) throw new Error(`${spec.label} is not running`);
      return child.pid;
    },
    running,
    output: () => output,
    start,
    stop,
    signal,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
