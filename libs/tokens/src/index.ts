export * from './signing-keys';
export * from './access-token';
export { VerifiedTokenCache } from './verified-token-cache';
