import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let cachedRoot: string | undefined;

/** The directory containing turbo.json, found by walking up from this file. */
export function repoRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'turbo.json'))) {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`Could not find the repository root (a directory with turbo.json) above ${__dirname}`);
    }
    dir = parent;
  }
}

export function stateDir(): string {
  const fromEnv = process.env.GRANTLINE_STATE_DIR;
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(repoRoot(), '.grantline');
}

export function infraDir(): string {
  return join(stateDir(), 'infra');
}

export function binDir(): string {
  return join(stateDir(), 'bin');
}

/** Per-server folders: data is wiped on every fresh start, logs are kept for diagnosis. */
export function serverDirs(name: string): { dataDir: string; logFile: string } {
  return {
    dataDir: join(infraDir(), 'data', name),
    logFile: join(infraDir(), 'logs', `${name}.log`),
  };
}

/** libs/infra, whether running from dist/ (tsc) or src/ (jest via swc). */
export function packageDir(): string {
  return resolve(__dirname, '..');
}
