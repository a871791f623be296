export * from './resource-input';
export * from './resource-commands';
export * from './resource-indicators';
