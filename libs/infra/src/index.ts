export type { InfraSource, InfraUrls, ResolvedInfra } from './types';
export { resolveInfra } from './resolve-infra';
export { downLocalInfra, upLocalInfra } from './local-infra';
export { localInfraStatus } from './local-status';
export { ensureNginx } from './nginx';
export { repoRoot, stateDir } from './paths';
export { freePort, reservePort, type PortReservation } from './ports';
export { ensureChromium } from './chromium';
