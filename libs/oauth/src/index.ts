export * from './errors';
export * from './http-types';
export { toOAuthError, failedDependency, type ErrorMappingOptions } from './error-mapping';
export { errorResponse, errorHeaders, adminErrorBody } from './error-json';
export {
  withChallenge,
  withResourceMetadata,
  invalidClient,
  type Challenge,
  type ChallengeScheme,
} from './error-challenge';
export { authorizationErrorResponse, errorRedirect, type RedirectTarget } from './error-redirect';
export { errorPage, type ErrorPage } from './error-page';
export { parseForm } from './form';
export { systemClock, randomIds, epochSeconds, type Clock, type IdSource } from './clock';
export { hashSecret, verifySecret, VerifiedSecretCache } from './client-secret';
export {
  presentedCredentials,
  authenticateClientAt,
  verifyClientCredentials,
  CredentialRefused,
  type AuthenticatedClient,
  type AuthenticationSite,
  type ClientAuthMethod,
  type PresentedCredentials,
} from './client-authentication';
export { projectedClients, type ClientDirectory, type DirectoryClient } from './clients/client-directory';
export { clientIdUrlRefusal, isClientIdUrl } from './clients/client-id-url';
export {
  clientFromMetadataDocument,
  type MetadataDocumentCheck,
  type MetadataDocumentOrigin,
  type MetadataDocumentPolicy,
} from './clients/metadata-document';
export {
  keptSeconds,
  metadataDocumentClients,
  type MetadataDocumentCaching,
  type MetadataDocumentClientsOptions,
} from './clients/metadata-document-clients';
export { clientAuthMethodOf, type RegisteredAuthMethod } from './clients/client-auth-method';
export { ClientKeyCache, DEFAULT_CLIENT_KEY_LIMITS, type ClientKeyLimits } from './clients/client-keys';
export { CLIENT_ASSERTION_TYPE, CLIENT_ASSERTION_ALGORITHMS } from './clients/client-assertion';
export { parseScope, grantScopes } from './scopes';
export type { OAuthContext, OAuthSettings } from './oauth-context';
export { tokenEndpoint } from './token-endpoint';
export { introspectionEndpoint } from './introspection-endpoint';
export { revocationEndpoint } from './revocation-endpoint';
export { userInfoEndpoint } from './user-info-endpoint';
export { inspectToken, verifiedClaims, accessTokenSubject, type TokenInspection } from './access-token-check';
export { checkLiveness, decideLiveness, livenessQuery, type Liveness, type TokenSubject } from './token-liveness';
export {
  accessTokenOf,
  resourceCaller,
  invalidToken,
  insufficientScope,
  type ResourceCaller,
} from './resource-request';
export {
  supportedGrantTypes,
  GrantRegistry,
  everyGrant,
  tokenServiceGrants,
  devicePollingGrants,
} from './grants/registry';
export * from './device';
/** The poll tolerance devices get (RFC 8628 §3.5), for load generators that judge slow_down answers. */
export { devicePollToleranceMs } from '@grantline/lib-projections';
export { serverMetadata, metadataEndpoint, type MetadataDocument } from './metadata';
export {
  protectedResourceMetadata,
  protectedResourceMetadataEndpoint,
  protectedResourceMetadataPath,
  protectedResourceMetadataUrl,
  ownResourceIdentifier,
} from './protected-resource-metadata';
export * from './clients/client-input';
export * from './clients/client-commands';
export * from './clients/native-redirect';
export * from './resources';
export * from './users/user-input';
export * from './users/user-commands';
export * from './authorize';
export * from './par';
export * from './personal-access-tokens';
export * from './dpop';
export * from './recording';
export * from './openapi';
export * from './jwt-bearer';
export * from './registration';
export { openIdSubject, sectorHostOf } from './openid/subject';
export { idTokenKeyWarning, idTokenSigner, mintIdToken, tokenHash, type IdTokenGrant } from './openid/id-token';
export { ID_TOKEN_ALGORITHMS, idTokenAlgorithms, openIdProviderMetadata } from './openid/provider-metadata';
export { openIdUserInfoEndpoint } from './openid/userinfo-endpoint';
export { userClaims, USER_CLAIM_NAMES } from './openid/user-claims';
export {
  openIdSettingsRefusal,
  postLogoutRedirectUriRefusal,
  backchannelLogoutUriRefusal,
  type OpenIdEnvironment,
} from './openid/client-openid-settings';
export * from './sessions';
export * from './logout';
export { openIdGrantSchema, type OpenIdGrant } from './grants/sealed-grants';
