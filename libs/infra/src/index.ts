export type { InfraSource, InfraUrls, ResolvedInfra } from './types';
export { resolveInfra } from './resolve-infra';
export { downLocalInfra, upLocalInfra } from './local-infra';
export { localInfraStatus } from './local-status';
export { ensureNginx } from './nginx';
export { repoRoot, stateDir } from './paths';
export { freePort, reservePort, type PortReservation } from './ports';
export { findExecutable } from './process-control';
export { ensureChromium } from './chromium';
export { ensureAptBinary } from './apt';
export { ensureContainerTools } from './container-tools';
export { ensurePythonModule } from './python-module';
export {
  openShapedLink,
  type OpenShapedLinkOptions,
  type ShapedLink,
  type LinkShape,
  type LinkShapeInput,
  type DroppedPackets,
} from './shaped-link/index';
export { ensurePythonTool, type PythonTool } from './python-tool';
export { privateProcess, type PrivateProcess, type PrivateProcessSpec } from './private-process';
export { startPrivateRedis, type PrivateRedis, type PrivateRedisOptions } from './private-redis';
export { startPrivateKafka, type PrivateKafka } from './private-kafka';
export { startPrivateMongo, type PrivateMongo } from './private-ferretdb';
