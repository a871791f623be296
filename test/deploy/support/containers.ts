import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** How the chart runs every Grantline container: read-only, only /tmp writable, no privileges. */
const HARDENED = ['--network=host', '--read-only', '--read-only-tmpfs=false', '--tmpfs=/tmp'];
const UNPRIVILEGED = ['--cap-drop=ALL', '--security-opt=no-new-privileges'];
const USER = '--user=10001';

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /**
   * Settings for the container. They reach it through podman's own environment and
   * `--env NAME`, so that secrets never appear on a command line.
   */
  env?: Record<string, string>;
  /** Run as the image's own user instead of forcing `--user 10001`. */
  imageUser?: boolean;
  /** Further `podman run` options, before the image. */
  podmanArgs?: string[];
}

/**
 * The containers one test starts from an image, each under a name of its own, so that
 * `removeAll` (in afterAll) removes exactly those, whatever happened before.
 */
export class Containers {
  private readonly names = new Set<string>();
  private counter = 0;

  /** @param engineEnv the CONTAINERS_* settings under which podman finds the image. */
  constructor(
    private readonly image: string,
    private readonly prefix: string,
    private readonly engineEnv: NodeJS.ProcessEnv,
  ) {}

  /** Runs a command of the image to its end. */
  run(label: string, args: string[], options: RunOptions & { timeoutMs?: number } = {}): Promise<Finished> {
    const name = this.nameFor(label);
    return this.podman(['run', ...this.runArgs(name, args, options)], options.timeoutMs ?? 120_000, options.env);
  }

  /** Starts a long-running command of the image in the background; returns its container name. */
  async start(label: string, args: string[], options: RunOptions = {}): Promise<string> {
    const name = this.nameFor(label);
    const started = await this.podman(['run', '--detach', ...this.runArgs(name, args, options)], 60_000, options.env);
    if (started.code !== 0) throw new Error(`podman run ${args.join(' ')} failed:\n${started.stderr}`);
    return name;
  }

  async logs(name: string): Promise<string> {
    const { stdout, stderr } = await this.podman(['logs', name], 30_000);
    return `${stdout}${stderr}`;
  }

  /** Stops a container with SIGTERM and a grace period; resolves with its exit code. */
  async stop(name: string, graceSeconds: number): Promise<number> {
    await this.podman(['stop', `--time=${graceSeconds}`, name], (graceSeconds + 30) * 1000);
    const { stdout } = await this.podman(['inspect', '--format={{.State.ExitCode}}', name], 30_000);
    return Number(stdout.trim());
  }

  async removeAll(): Promise<void> {
    if (this.names.size === 0) return;
    await this.podman(['rm', '--force', '--time=2', ...this.names], 60_000);
    this.names.clear();
  }

  /** Any podman command, to its end; a non-zero exit is returned, not thrown. */
  async podman(args: string[], timeoutMs: number, values: Record<string, string> = {}): Promise<Finished> {
    const env = { ...process.env, ...this.engineEnv, ...values };
    try {
      const { stdout, stderr } = await run('podman', args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: unknown; stdout?: string; stderr?: string; message: string };
      if (typeof failed.code !== 'number') throw new Error(`podman ${args[0]} failed: ${failed.message}`);
      return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  private runArgs(name: string, args: string[], options: RunOptions): string[] {
    return [
      `--name=${name}`,
      ...HARDENED,
      ...(options.imageUser ? [] : [USER]),
      ...UNPRIVILEGED,
      ...Object.keys(options.env ?? {}).map((key) => `--env=${key}`),
      ...(options.podmanArgs ?? []),
      this.image,
      ...args,
    ];
  }

  private nameFor(label: string): string {
    const name = `${this.prefix}-${label}-${++this.counter}`;
    this.names.add(name);
    return name;
  }
}
