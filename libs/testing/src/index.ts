export * from './oauth-fixture';
export * from './client-fixtures';
export { FormBrowser, parseForm, pkcePair, type ParsedForm } from './form-browser';
export * from './code-flow';
export * from './device-flow';
export { generateP256Key } from './dpop-keys';
export * from './grant-fixtures';
export * from './revocation-fixtures';
