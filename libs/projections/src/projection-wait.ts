import { ProjectionStoreUnavailableError } from './port';

/**
 * Waits until a projection shows a change just appended to the log, for a caller whose next
 * request must see it (the recorder's `wait-for-projection`). Returns what was read once it
 * matched, or undefined after the timeout.
 *
 * The change is recorded by then, so a read that finds the store or the projection unavailable
 * (a Redis command timed out, a rebuild under way) means only "not visible yet": the wait goes
 * on to its deadline instead of failing the request, which would answer 503 ("nothing was
 * recorded") for what was recorded. Any other error is a bug and is thrown.
 */
export async function waitForProjection<T>(
  read: () => Promise<T>,
  expected: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<{ value: T } | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const seen = await read().then(
      (value) => (expected(value) ? { value } : undefined),
      (error: unknown) => {
        if (error instanceof ProjectionStoreUnavailableError) return undefined;
        throw error;
      },
    );
    if (seen) return seen;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}
