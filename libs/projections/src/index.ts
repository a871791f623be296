export { evolveClient, type ClientRecord } from './client-projection';
export * from './port';
export { MemoryProjectionStore, type SecondsClock } from './memory-projection-store';
export { MemoryGuardStore } from './memory-guard-store';
export {
  devicePollToleranceMs,
  SLOW_DOWN_STEP_SECONDS,
  type DevicePoll,
  type GuardStore,
  type RefreshClaim,
} from './guard-port';
export { RedisGuardStore } from './redis-guard-store';
export {
  projectors,
  projectEvent,
  isWrittenThrough,
  type ProjectorEntry,
  type WrittenThroughEvent,
  type WrittenThroughType,
} from './projectors';
export type { MarkWriter, ProjectionWriter, RestoredGuard } from './projection-writer';
export { RedisProjectionStore, type RedisProjectionStoreOptions } from './redis-projection-store';
export type { AuditEntry, AuditQuery, AuditRecord, AuditStore } from './audit-port';
export { auditEntryOf } from './audit-entry';
export { MemoryAuditStore } from './memory-audit-store';
export { MongoAuditStore } from './mongo-audit-store';
export { ProjectionCheck, type ProjectionCheckResult, type ProjectionDifference } from './projection-check';
export {
  listResources,
  readResource,
  readResources,
  type RecordReader,
  type ResourceRecord,
} from './resource-projection';
export { normaliseEmail, userOf, consentOf, type UserRecord } from './user-projection';
export { waitForProjection } from './projection-wait';
// The device records' writes are the projector table's (projectors.ts); services only read them.
export {
  deviceDecisionSchema,
  deviceIdByUserCode,
  deviceRequestSchema,
  readDevice,
  DEVICE_RECORD_RETENTION_SECONDS,
  type DeviceDecision,
  type DeviceRequest,
  type DeviceState,
  type OnceReader,
} from './device-projection';
export { ProjectionOps, projectionKeys, type ProjectionOp } from './projection-ops';
export { GenerationLostError, positionField } from './redis-projection-commands';
export {
  RedisProjectionControl,
  type PositionedEvent,
  type ProjectionPointer,
  type ProjectionState,
} from './redis-projection-control';
export type { ProjectionKeyspace } from './projection-check';
export {
  canonicalJson,
  checksumOf,
  checksumOfIds,
  compareKeyspace,
  type KeyspaceChecksum,
  type KeyspaceContents,
} from './projection-checksum';
export { AuditCheck, type AuditCheckResult } from './audit-check';
export {
  assertRedisKeepsKeys,
  RedisEvictionPolicyError,
  type RedisConfigReader,
  type RedisEvictionCheckMode,
} from './redis-eviction-check';
export {
  cachedClientDocumentSchema,
  type CachedClientDocument,
  type ClientDocumentCache,
} from './client-document-cache';
export { MemoryClientDocumentCache } from './memory-client-document-cache';
export { RedisClientDocumentCache } from './redis-client-document-cache';
export {
  MAX_SESSION_SECONDS,
  outlivesSession,
  sessionEndedMarkSchema,
  sessionGrantSchema,
  sessionRecordSchema,
  type SessionEndedMark,
  type SessionGrant,
  type SessionRecord,
} from './session-projection';
