import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@grantline/lib-infra';

/** Where peers are installed, kept between runs (git-ignored). */
export function peersDir(...parts: string[]): string {
  return join(repoRoot(), '.grantline', 'peers', ...parts);
}

/** A folder of logs for this run's servers. */
export function logsDir(): string {
  const dir = peersDir('logs');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** This package's folder (test/bench), from dist/peers or src/peers alike. */
export function benchDir(): string {
  return join(__dirname, '..', '..');
}
