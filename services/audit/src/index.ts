export { AuditConsumer, startAuditConsumer } from './audit-consumer';
export type { AuditConsumerOptions, AuditPositionsStore } from './audit-consumer-ports';
