export { loadKeyRing, ensureKeyDirectory } from './key-ring';
export { kafkaEventLog, redisGuardStore, redisProjectionControl, redisProjectionStore } from './adapters';
export { createOAuthContext, oauthSettings } from './oauth-context';
export { observedBatches } from './observed-batches';
export { serveOAuthService, type OAuthServiceParts, type OAuthServiceShape } from './oauth-service';
export { lagOf, lagReadiness, type LagSource } from './consumer-lag';
export { deadLetterReporter } from './dead-letter-reporter';
export { tracedEventLog } from './traced-event-log';
export {
  dispatchOAuth,
  BODY_LIMIT_BYTES,
  type OAuthHandler,
  type OAuthEndpoint,
  type DispatchOptions,
} from './oauth-dispatch';
export { oauthRequestOf } from './express-request';
export { jsonBody } from './json-body';
export {
  oauthRoute,
  oauthErrorHandler,
  expressError,
  sendOAuthError,
  sendOAuthResponse,
  type ExpressOAuthEndpoint,
} from './express-oauth';
export { serve, serviceListener, type ListenerOptions } from './serve-app';
export { systemPeriodicClock, type PeriodicClock } from './periodic-clock';
export { exitOnFatal, SerialSteps, type CheckedConsumerOptions } from './checked-consumer';
export { startIdleClientSweep } from './idle-client-sweeper';
export { BACKCHANNEL_LOGOUT_GROUP, resendOwedBackchannelLogouts, startBackchannelLogouts } from './backchannel-logouts';
