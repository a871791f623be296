import type { ClientRecord } from './client-projection';
import type { ProjectionStore } from './port';

/**
 * Waits until a projection shows a change just appended to the log: the admin API answers
 * only after the projector has applied its event, so the next request sees it. Returns what
 * was read once it matched, or undefined after the timeout.
 */
export async function waitForProjection<T>(
  read: () => Promise<T>,
  expected: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<{ value: T } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (expected(value)) return { value };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}

export async function waitForClient(
  store: ProjectionStore,
  clientId: string,
  expected: (record: ClientRecord | null) => boolean,
  timeoutMs = 10_000,
): Promise<boolean> {
  return (await waitForProjection(() => store.getClient(clientId), expected, timeoutMs)) !== undefined;
}
