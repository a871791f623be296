import type { InfraGlobal } from './jest.global-setup';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as InfraGlobal;
  const infra = holder.__grantlineInfra;
  delete holder.__grantlineInfra;
  // release() is a no-op for servers this run found already running.
  if (infra?.startedHere === true) await infra.release();
}
