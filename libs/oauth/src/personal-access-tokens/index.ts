export * from './pat-admin';
export * from './pat-commands';
export * from './pat-context';
export * from './pat-decisions';
export * from './pat-endpoints';
export * from './pat-input';
