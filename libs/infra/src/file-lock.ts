import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { infraDir } from './paths';
import { isAlive, sleep } from './process-control';
import { silent, type LogFn } from './types';

function lockPath(): string {
  return join(infraDir(), 'lock');
}

function tryAcquire(): boolean {
  try {
    writeFileSync(lockPath(), String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function holder(): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(lockPath(), 'utf8'), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

let inProcess: Promise<unknown> = Promise.resolve();

/**
 * Serialises start/stop within this process and across processes (e.g. `infra:up` in one
 * shell and jest in another). The wait is long because a first start may be building
 * FerretDB from source.
 */
export function withInfraLock<T>(fn: () => Promise<T>, log: LogFn = silent, timeoutMs = 20 * 60_000): Promise<T> {
  const run = (): Promise<T> => underFileLock(fn, log, timeoutMs);
  const result = inProcess.then(run, run);
  inProcess = result.catch(() => undefined);
  return result;
}

async function underFileLock<T>(fn: () => Promise<T>, log: LogFn, timeoutMs: number): Promise<T> {
  mkdirSync(infraDir(), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  while (!tryAcquire()) {
    let pid = holder();
    if (pid === undefined) {
      // The holder may have created the file but not yet written its pid.
      await sleep(300);
      pid = holder();
    }
    if (pid === undefined || !isAlive(pid)) {
      rmSync(lockPath(), { force: true });
      continue;
    }
    if (!announced) {
      log(`waiting for another infra command (pid ${pid}) to finish`);
      announced = true;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for the infra lock held by pid ${pid} (${lockPath()})`);
    }
    await sleep(500);
  }
  try {
    return await fn();
  } finally {
    rmSync(lockPath(), { force: true });
  }
}
