export { startAuditConsumer } from './audit-consumer';
