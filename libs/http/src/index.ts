export { createLogger, type Logger } from './logger';
export { readBody, BodyTooLargeError } from './raw-body';
export {
  dispatchOAuth,
  requestIdOf,
  BODY_LIMIT_BYTES,
  type OAuthHandler,
  type OAuthEndpoint,
  type DispatchOptions,
} from './oauth-dispatch';
export { createApp, finishApp, type ReadinessCheck } from './create-app';
export { listen, onShutdown, addressOf, serve, runMain, listeningMessageOf, type ListeningMessage } from './listen';
export { oauthRequestOf } from './express-request';
export {
  oauthRoute,
  oauthErrorHandler,
  expressError,
  sendOAuthError,
  sendOAuthResponse,
  type ExpressOAuthEndpoint,
} from './express-oauth';
