import type { ProcessGroup } from './processes';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls a URL until it answers with a status below 500, the process exits, or time runs out. */
export async function waitForHttp(url: string, group: ProcessGroup | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (group?.exited()) throw new Error(`the server exited before answering ${url}; see ${group.logFile}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`no answer from ${url} within ${timeoutMs / 1000} s${group ? `; see ${group.logFile}` : ''}`);
}
