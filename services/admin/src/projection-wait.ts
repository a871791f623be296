import type { ClientRecord, ProjectionStore } from '@grantline/lib-projections';

/**
 * Admin changes are read back by the CLI and used by the next request at once, so the admin
 * API answers only after the projector has applied its event (or gives up with 504).
 */
export async function waitForClient(
  store: ProjectionStore,
  clientId: string,
  expected: (record: ClientRecord | null) => boolean,
  timeoutMs = 10_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (expected(await store.getClient(clientId))) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
