export * from './envelope';
export * from './client-events';
export * from './token-events';
export * from './user-events';
export * from './grant-events';
export * from './catalogue';
export * from './topics';
export { stampEvent, type AnyEventDraft, type EventContext } from './new-event';
