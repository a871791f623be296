export { loadKeyRing, ensureKeyDirectory } from './key-ring';
export { kafkaEventLog, redisGuardStore, redisProjectionStore } from './adapters';
export { createOAuthContext, oauthSettings } from './oauth-context';
export { startEventConsumer } from './event-consumer';
export { serveOAuthService, type OAuthServiceParts, type OAuthServiceShape } from './oauth-service';
