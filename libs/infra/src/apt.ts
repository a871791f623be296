import { messageOf } from './errors';
import { findExecutable, runChecked } from './process-control';
import { silent, type LogFn } from './types';

let updated: Promise<void> | undefined;
let queue: Promise<unknown> = Promise.resolve();

function aptEnv(): NodeJS.ProcessEnv {
  return { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
}

/** How to run apt-get with enough privilege, or undefined when we can't. */
async function aptCommand(): Promise<{ command: string; prefix: string[] } | undefined> {
  const aptGet = findExecutable('apt-get');
  if (aptGet === undefined) return undefined;
  if (process.getuid?.() === 0) return { command: aptGet, prefix: [] };
  const sudo = findExecutable('sudo');
  if (sudo === undefined) return undefined;
  try {
    await runChecked(sudo, ['-n', 'true'], { timeoutMs: 10_000 });
    // sudo drops the environment, so the non-interactive frontend is passed through env(1).
    return { command: sudo, prefix: ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', aptGet] };
  } catch {
    return undefined;
  }
}

async function install(pkg: string, log: LogFn): Promise<void> {
  const apt = await aptCommand();
  if (apt === undefined) {
    throw new Error(`cannot run apt-get as root here (not root, no passwordless sudo, or not a Debian-like system)`);
  }
  // Waiting for the dpkg lock instead of failing lets two installers overlap safely.
  const lockWait = ['-o', 'DPkg::Lock::Timeout=300'];
  updated ??= (async () => {
    log('apt-get update');
    await runChecked(apt.command, [...apt.prefix, ...lockWait, 'update'], { env: aptEnv(), timeoutMs: 600_000 });
  })().catch((error: unknown) => {
    updated = undefined;
    throw error;
  });
  await updated;
  log(`apt-get install -y ${pkg}`);
  await runChecked(apt.command, [...apt.prefix, ...lockWait, 'install', '-y', pkg], {
    env: aptEnv(),
    timeoutMs: 900_000,
  });
}

/**
 * Returns the path of `binary`, installing Debian package `pkg` first when it is missing.
 * Installs run one at a time so concurrent callers don't race on apt.
 */
export function ensureAptBinary(binary: string, pkg: string, options: { log?: LogFn } = {}): Promise<string> {
  const log = options.log ?? silent;
  const run = async (): Promise<string> => {
    const existing = findExecutable(binary);
    if (existing !== undefined) return existing;
    log(`${binary} not found; installing Debian package ${pkg}`);
    try {
      await install(pkg, log);
    } catch (error) {
      throw new Error(
        `${binary} is not installed and installing it failed: ${messageOf(error)}\n` +
          `Install it yourself (Debian/Ubuntu: \`sudo apt-get update && sudo apt-get install -y ${pkg}\`) and retry.`,
      );
    }
    const installed = findExecutable(binary);
    if (installed === undefined) {
      throw new Error(`apt-get installed ${pkg} but ${binary} is still not on PATH or in /usr/sbin`);
    }
    return installed;
  };
  return serialized(run);
}

/** Installs Debian package `pkg` (one install at a time, as for binaries). */
export function installAptPackage(pkg: string, log: LogFn = silent): Promise<void> {
  return serialized(() => install(pkg, log));
}

function serialized<T>(run: () => Promise<T>): Promise<T> {
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
