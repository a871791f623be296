import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { repoRoot } from '@grantline/lib-infra';

/**
 * The candidate clients live in .grantline/peers/kafka-clients (git-ignored), outside the
 * workspaces, installed there on first use and loaded with createRequire from that folder.
 */
export function kafkaClientsDir(): string {
  return join(repoRoot(), '.grantline', 'peers', 'kafka-clients');
}

/** A failed install is not retried for this long (set KAFKA_BENCH_REINSTALL=1 to retry at once). */
const RETRY_FAILED_INSTALL_AFTER_MS = 24 * 3600_000;
const INSTALL_TIMEOUT_MS = 150_000;

/** What in npm's output says why an install failed, most telling first, without the compiler noise. */
const REASONS = [
  /Pre-built binaries not installable/,
  /^GET https?:\/\//,
  /install request to .* failed/,
  /Download of .* failed/,
  /Could not resolve host|unable to resolve host|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/,
  /No rule to make target/,
  /apt install/,
];

function reasonOf(output: string): string[] {
  const lines = output.split('\n').map((raw) =>
    stripVTControlCharacters(raw)
      .replace(/^npm (?:error|warn)\s*/, '')
      .replace(/^\[(?:error|warn|log|info)\]\s*/, '')
      .trim(),
  );
  const picked = new Set<string>();
  for (const reason of REASONS) {
    for (const line of lines) if (reason.test(line) && picked.size < 10) picked.add(line);
  }
  return [...picked];
}

function npmInstall(dir: string, spec: string): Promise<void> {
  const args = ['install', '--prefix', dir, '--no-audit', '--no-fund', spec];
  return new Promise((resolve, reject) => {
    execFile('npm', args, { timeout: INSTALL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) {
        resolve();
        return;
      }
      const why = error.killed ? `timed out after ${INSTALL_TIMEOUT_MS / 1000} s` : `exit code ${String(error.code)}`;
      const output = `${stdout}\n${stderr}`;
      const reason = reasonOf(output);
      const shown = reason.length > 0 ? reason : output.trim().split('\n').slice(-10);
      const command = `npm install --prefix .grantline/peers/kafka-clients ${spec}`;
      reject(new Error(`${command} failed (${why}):\n${shown.join('\n')}`));
    });
  });
}

function installedVersion(dir: string, name: string): string | undefined {
  const file = join(dir, 'node_modules', name, 'package.json');
  if (!existsSync(file)) return undefined;
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const version = (parsed as { version?: unknown }).version;
  return typeof version === 'string' ? version : undefined;
}

function failureFile(dir: string, name: string): string {
  return join(dir, `install-failed-${name.replace(/[^a-z0-9]+/gi, '_')}.txt`);
}

/**
 * Makes `name` (major version `major`) present in the peers folder and loads it. Each package is
 * installed by its own `npm install --prefix`, so one that fails (npm rolls the whole install back)
 * does not keep the other out. A failure is remembered, with npm's reason, so later runs do not
 * spend the install time again.
 */
export async function loadPeer(name: string, major: number): Promise<{ module: unknown; version: string }> {
  const dir = kafkaClientsDir();
  const spec = `${name}@${major}`;
  let version = installedVersion(dir, name);
  if (version === undefined || !version.startsWith(`${major}.`)) {
    const failed = failureFile(dir, name);
    const retry = process.env.KAFKA_BENCH_REINSTALL === '1';
    if (!retry && existsSync(failed) && Date.now() - statSync(failed).mtimeMs < RETRY_FAILED_INSTALL_AFTER_MS) {
      const when = statSync(failed).mtime.toISOString();
      throw new Error(
        `${readFileSync(failed, 'utf8').trim()}\n(not retried: this is the attempt of ${when}; KAFKA_BENCH_REINSTALL=1 retries)`,
      );
    }
    mkdirSync(dir, { recursive: true });
    try {
      await npmInstall(dir, spec);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      writeFileSync(failed, `${message}\n`);
      throw error;
    }
    rmSync(failed, { force: true });
    version = installedVersion(dir, name);
    if (version === undefined) throw new Error(`${name} is missing from ${dir} after npm install ${spec}`);
  }
  const requireFromPeers = createRequire(join(dir, 'package.json'));
  const loaded: unknown = requireFromPeers(name);
  return { module: loaded, version };
}

/** The version of a package this workspace resolves (e.g. kafkajs from the root node_modules). */
export function workspaceVersion(name: string): string {
  const parsed: unknown = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
  const version = (parsed as { version?: unknown }).version;
  return typeof version === 'string' ? version : '?';
}
