import { spawn } from 'node:child_process';

export interface ProcessOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export interface BoundedProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The process (and everything it started) is killed after this long. */
  timeoutMs: number;
}

/**
 * A child process in its own process group, killed with its group when it outlives its timeout or
 * when `kill()` is called. Its output is readable while it runs, so a test can act on a line it prints.
 */
export class BoundedProcess {
  readonly exited: Promise<ProcessOutcome>;
  private out = '';
  private err = '';
  private finished = false;
  private readonly watchers = new Set<() => void>();
  private readonly pid: number | undefined;

  constructor(
    readonly label: string,
    command: string,
    args: readonly string[],
    options: BoundedProcessOptions,
  ) {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = child.pid;
    // Decoded as UTF-8 across chunk boundaries: the seed clients print emoji.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.out += chunk;
      this.notify();
    });
    child.stderr.on('data', (chunk: string) => (this.err += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.kill();
    }, options.timeoutMs);
    this.exited = new Promise((resolve, reject) => {
      child.once('error', (error) => {
        clearTimeout(timer);
        this.finished = true;
        this.notify();
        reject(new Error(`could not start ${command}: ${error.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.finished = true;
        this.notify();
        resolve({ code, signal, timedOut, stdout: this.out, stderr: this.err });
      });
    });
    // A failed start is reported by whoever awaits `exited` or `waitForLine`.
    this.exited.catch(() => undefined);
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** Complete lines printed on stdout so far. */
  lines(): string[] {
    const complete = this.out.slice(0, this.out.lastIndexOf('\n') + 1);
    return complete.split('\n').filter((line) => line.length > 0);
  }

  /**
   * The first complete stdout line that matches `pattern`, waiting up to `timeoutMs` for it; rejects,
   * with the output so far, when the process ends or the time runs out first.
   */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const settle = (action: () => void): void => {
        clearTimeout(timer);
        this.watchers.delete(check);
        action();
      };
      const check = (): void => {
        for (const line of this.lines()) {
          const match = pattern.exec(line);
          if (match) return settle(() => resolve(match));
        }
        if (this.finished) {
          settle(() => reject(new Error(this.describe(`ended before printing a line matching ${pattern}`))));
        }
      };
      // Declared before either function runs: `check` is first called below, after this line.
      const timer = setTimeout(
        () => settle(() => reject(new Error(this.describe(`printed no line matching ${pattern} in ${timeoutMs} ms`)))),
        timeoutMs,
      );
      this.watchers.add(check);
      check();
    });
  }

  /** Kills the process group; harmless when it has already ended. */
  kill(): void {
    if (this.finished || this.pid === undefined) return;
    try {
      process.kill(-this.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /** The label, what happened and everything printed so far, for an error message. */
  describe(what: string): string {
    return `${this.label} ${what}\n--- stdout ---\n${this.out}\n--- stderr ---\n${this.err}`;
  }

  private notify(): void {
    for (const watcher of [...this.watchers]) watcher();
  }
}

/** An outcome as text for an error message: how the process ended and what it printed. */
export function describeOutcome(label: string, outcome: ProcessOutcome): string {
  const status = outcome.timedOut ? 'timed out' : `exited with ${outcome.code ?? outcome.signal}`;
  return `${label} ${status}\n--- stdout ---\n${outcome.stdout}\n--- stderr ---\n${outcome.stderr}`;
}

/** The environment without proxy settings, so that a child's requests to a local stack stay on loopback. */
export function loopbackEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/_proxy$/i.test(key)) env[key] = value;
  }
  return { ...env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...extra };
}
