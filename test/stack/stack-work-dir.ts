import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * Set to 1 (or to a folder) to keep each test stack's service logs when the stack is stopped:
 * the work dir (keys, admin token, logs) is removed as usual, but its `logs` and nginx's
 * `error.log` are copied first to `<folder>/<work dir name>/`, by default under
 * `<tmpdir>/grantline-stack-logs`. Unset, nothing is kept.
 */
export const KEEP_LOGS_VARIABLE = 'GRANTLINE_KEEP_STACK_LOGS';

/** Where logs are kept, or undefined when they are not. */
export function keptLogsDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[KEEP_LOGS_VARIABLE]?.trim();
  if (!value || value === '0' || value === 'false') return undefined;
  return value === '1' || value === 'true' ? join(tmpdir(), 'grantline-stack-logs') : value;
}

/**
 * Removes a stopped stack's work dir, keeping its logs first when GRANTLINE_KEEP_STACK_LOGS asks
 * for it. Returns the folder they were kept in, if they were.
 */
export function removeStackWorkDir(workDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const keepIn = keptLogsDir(env);
  let kept: string | undefined;
  if (keepIn !== undefined) {
    kept = join(keepIn, basename(workDir));
    mkdirSync(kept, { recursive: true });
    const logs = join(workDir, 'logs');
    if (existsSync(logs)) cpSync(logs, kept, { recursive: true });
    const edgeLog = join(workDir, 'nginx', 'error.log');
    if (existsSync(edgeLog)) cpSync(edgeLog, join(kept, 'nginx-error.log'));
    process.stderr.write(`[stack] service logs of ${basename(workDir)} kept in ${kept}\n`);
  }
  rmSync(workDir, { recursive: true, force: true });
  return kept;
}
