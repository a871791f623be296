export { evolveClient, type ClientRecord } from './client-projection';
export * from './port';
export { MemoryProjectionStore } from './memory-projection-store';
export { RedisProjectionStore, type RedisProjectionStoreOptions } from './redis-projection-store';
export type { AuditEntry, AuditQuery, AuditStore } from './audit-port';
export { auditEntryOf } from './audit-entry';
export { MemoryAuditStore } from './memory-audit-store';
export { MongoAuditStore } from './mongo-audit-store';
export { ProjectionCheck, type ProjectionCheckResult, type ProjectionDifference } from './projection-check';
