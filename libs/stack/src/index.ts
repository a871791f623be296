export { startStack, type StackOptions, type RunningStack } from './start-stack';
export type { ServiceProcess } from './service-process';
