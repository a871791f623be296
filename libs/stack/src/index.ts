export { startStack, type StackOptions, type RunningStack } from './start-stack';
export { spawnService, startService, waitUntilReady, type ServiceProcess, type ServiceExit } from './service-process';
export { startEdgeProxy, type EdgeProxy } from './edge-proxy';
export {
  placementIn,
  loopbackPortsIn,
  brokerPortsOf,
  type ReplicaPlacement,
  type PlaceReplica,
} from './replica-placement';
