import { readFileSync } from 'node:fs';
import { isAlive, lastLines, sleep, stopProcess } from './process-control';

/** Calls probe until it resolves true; throws describe() once timeoutMs has passed or abort() says so. */
export async function pollUntil(
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined; onTimeout: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const abortReason = options.abort?.();
    if (abortReason !== undefined) throw new Error(abortReason);
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(options.onTimeout());
    await sleep(options.intervalMs ?? 250);
  }
}

function logTail(logFile: string): string {
  try {
    const tail = lastLines(readFileSync(logFile, 'utf8'), 15);
    return tail === '' ? '' : `\nLast lines of ${logFile}:\n${tail}`;
  } catch {
    return '';
  }
}

export interface ReadinessCheck {
  name: string;
  pid: number;
  logFile: string;
  timeoutMs: number;
  /** Resolves true once the server answers; must not throw. */
  probe: () => Promise<boolean>;
}

/** Waits for a freshly spawned server to answer; stops it and points at its log if it doesn't. */
export async function waitForReady(check: ReadinessCheck): Promise<void> {
  try {
    await pollUntil(check.probe, {
      timeoutMs: check.timeoutMs,
      abort: () =>
        isAlive(check.pid)
          ? undefined
          : `${check.name} (pid ${check.pid}) exited during startup; see ${check.logFile}${logTail(check.logFile)}`,
      onTimeout: () =>
        `${check.name} (pid ${check.pid}) did not answer within ${Math.round(check.timeoutMs / 1000)}s; ` +
        `see ${check.logFile}${logTail(check.logFile)}`,
    });
  } catch (error) {
    await stopProcess(check.pid).catch(() => undefined);
    throw error;
  }
}
