export * from './device-codes';
export { deviceAuthorizationEndpoint } from './device-authorization-endpoint';
export * from './device-verification';
