/**
 * Waits until a projection shows a change just appended to the log, for a caller whose next
 * request must see it (the recorder's `wait-for-projection`). Returns what was read once it
 * matched, or undefined after the timeout.
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
