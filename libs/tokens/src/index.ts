export * from './signing-keys';
export * from './access-token';
export { VerifiedTokenCache } from './verified-token-cache';
export { ArtifactSealer, type ArtifactKind } from './sealed-artifact';
export * from './introspection-response';
