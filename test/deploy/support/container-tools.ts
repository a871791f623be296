import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BoundedProcess } from '../../support/bounded-process';

const run = promisify(execFile);

export const repoRoot = join(__dirname, '..', '..', '..');
const buildScript = join(repoRoot, 'deploy', 'image', 'build.sh');

/** The CONTAINERS_* settings build.sh writes, under which podman finds the image it built. */
export async function containerEnv(): Promise<NodeJS.ProcessEnv> {
  const { stdout } = await run('bash', [buildScript, 'env'], { timeout: 30_000 });
  const env: NodeJS.ProcessEnv = {};
  for (const line of stdout.split('\n')) {
    const separator = line.indexOf('=');
    if (separator > 0) env[line.slice(0, separator)] = line.slice(separator + 1);
  }
  return env;
}

/**
 * Builds the image with build.sh. Its layer cache makes this a short no-op when nothing the
 * image holds changed, so the test always builds rather than guessing whether it must.
 */
export async function buildImage(image: string, timeoutMs: number): Promise<{ seconds: number }> {
  const started = Date.now();
  const build = new BoundedProcess('build.sh', 'bash', [buildScript], {
    cwd: repoRoot,
    env: { ...process.env, GRANTLINE_IMAGE: image },
    timeoutMs,
  });
  const outcome = await build.exited;
  if (outcome.code !== 0) {
    const lines = `${outcome.stdout}\n${outcome.stderr}`.trim().split('\n');
    // Compiler and npm errors scroll by long before the build gives up.
    const errors = lines.filter((line) => /error TS\d+|npm error|^error:/i.test(line)).slice(0, 30);
    const status = outcome.timedOut ? `timed out after ${timeoutMs} ms` : `exited ${outcome.code}`;
    throw new Error(
      `deploy/image/build.sh ${status}:\n${errors.join('\n')}\n--- last lines ---\n${lines.slice(-25).join('\n')}`,
    );
  }
  return { seconds: (Date.now() - started) / 1000 };
}
