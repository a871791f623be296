export * from './envelope';
export * from './client-events';
export * from './resource-events';
export * from './token-events';
export * from './user-events';
export * from './grant-events';
export * from './session-events';
export * from './device-events';
export * from './personal-access-token-events';
export * from './catalogue';
export * from './topics';
export { stampEvent, type AnyEventDraft, type EventContext } from './new-event';
export { InvalidEventError, validateForAppend, type EventProblem } from './append-validation';
export {
  auditStreamSchemas,
  eventSchemaFile,
  ENVELOPE_SCHEMA_FILE,
  UNION_SCHEMA_FILE,
  type JsonSchema,
} from './json-schemas';
