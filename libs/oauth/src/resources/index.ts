export * from './resource-input';
export * from './resource-commands';
