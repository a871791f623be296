export { loadKeyRing, ensureKeyDirectory } from './key-ring';
export { kafkaEventLog, redisProjectionStore } from './adapters';
export { createOAuthContext } from './oauth-context';
export { startEventConsumer } from './event-consumer';
