export { createLogger, type Logger } from './logger';
export { readBody, BodyTooLargeError } from './raw-body';
export { refusedJsonMember, type RefusedMember } from './strict-json';
export { requestIdOf } from './request-id';
export { createApp, finishApp, type ReadinessCheck } from './create-app';
export {
  listen,
  onShutdown,
  addressOf,
  serveListener,
  runMain,
  listeningMessageOf,
  type ListeningMessage,
  type ServeOptions,
} from './listen';
