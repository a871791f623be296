export { loadKeyRing, ensureKeyDirectory } from './key-ring';
export { kafkaEventLog, redisGuardStore, redisProjectionControl, redisProjectionStore } from './adapters';
export { createOAuthContext, oauthSettings } from './oauth-context';
export { startEventConsumer } from './event-consumer';
export { serveOAuthService, type OAuthServiceParts, type OAuthServiceShape } from './oauth-service';
export { lagOf, lagReadiness, type LagSource } from './consumer-lag';
export { deadLetterReporter } from './dead-letter-reporter';
export { tracedEventLog } from './traced-event-log';
