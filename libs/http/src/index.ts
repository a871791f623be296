export { createLogger, type Logger } from './logger';
export { readBody, BodyTooLargeError } from './raw-body';
export { oauthRoute, requestIdOf, BODY_LIMIT_BYTES, type OAuthHandler } from './oauth-route';
export { createApp, finishApp, type ReadinessCheck } from './create-app';
export { listen, onShutdown, addressOf, serve, runMain } from './listen';
