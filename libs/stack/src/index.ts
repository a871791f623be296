export { startStack, type StackOptions, type RunningStack } from './start-stack';
export { spawnService, waitUntilReady, type ServiceProcess } from './service-process';
