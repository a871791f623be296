import type { InfraGlobal } from './jest.global-setup';
import { stopSharedStacks } from './stack/shared-stacks';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as InfraGlobal;
  const infra = holder.__grantlineInfra;
  delete holder.__grantlineInfra;
  // Before the servers go: the stacks' services are their clients.
  await stopSharedStacks();
  // release() is a no-op for servers this run found already running.
  if (infra?.startedHere === true) await infra.release();
}
