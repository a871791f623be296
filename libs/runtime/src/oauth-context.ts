import type { Config } from '@grantline/lib-config';
import type { EventLog } from '@grantline/lib-event-log';
import { refusingFetcher } from '@grantline/lib-fetch';
import {
  DpopNonces,
  projectedClients,
  randomIds,
  systemClock,
  VerifiedSecretCache,
  type OAuthContext,
  type OAuthSettings,
} from '@grantline/lib-oauth';
import type { GuardStore, ProjectionStore } from '@grantline/lib-projections';
import type { GrantlineMetrics } from '@grantline/lib-telemetry';
import { ArtifactSealer, VerifiedTokenCache, type KeyRing } from '@grantline/lib-tokens';

export function createOAuthContext(
  config: Config,
  log: EventLog,
  store: ProjectionStore,
  guards: GuardStore,
  keys: KeyRing,
  metrics: GrantlineMetrics,
): OAuthContext {
  return {
    settings: oauthSettings(config),
    log,
    store,
    clients: projectedClients(store),
    guards,
    keys,
    artifacts: new ArtifactSealer(keys),
    clock: systemClock,
    ids: randomIds,
    secrets: new VerifiedSecretCache(),
    tokenCache: new VerifiedTokenCache(100_000),
    dpopNonces: new DpopNonces(keys, config.GRANTLINE_DPOP_NONCE_PERIOD),
    metrics,
    fetcher: refusingFetcher,
  };
}

/** The OAuth settings, from the service configuration: one mapping for every service. */
export function oauthSettings(config: Config): OAuthSettings {
  return {
    issuer: config.GRANTLINE_ISSUER,
    accessTokenAudience: config.GRANTLINE_ACCESS_TOKEN_AUDIENCE ?? config.GRANTLINE_ISSUER,
    accessTokenTtlSeconds: config.GRANTLINE_ACCESS_TOKEN_TTL,
    introspection: {
      allowUnauthenticated: config.GRANTLINE_INTROSPECTION_ALLOW_UNAUTHENTICATED,
      unauthenticatedLimitPerMinute: config.GRANTLINE_INTROSPECTION_UNAUTHENTICATED_LIMIT,
    },
    authorizationCodeTtlSeconds: config.GRANTLINE_AUTHORIZATION_CODE_TTL,
    sessionTtlSeconds: config.GRANTLINE_SESSION_TTL,
    signIn: {
      limitPerAccount: config.GRANTLINE_SIGN_IN_LIMIT_PER_ACCOUNT,
      limitPerAddress: config.GRANTLINE_SIGN_IN_LIMIT_PER_ADDRESS,
      windowSeconds: config.GRANTLINE_SIGN_IN_WINDOW,
    },
    device: {
      codeTtlSeconds: config.GRANTLINE_DEVICE_CODE_TTL,
      pollIntervalSeconds: config.GRANTLINE_DEVICE_POLL_INTERVAL,
      userCodeLimitPerBrowser: config.GRANTLINE_USER_CODE_LIMIT_PER_BROWSER,
      userCodeLimitPerAddress: config.GRANTLINE_USER_CODE_LIMIT_PER_ADDRESS,
      userCodeWindowSeconds: config.GRANTLINE_USER_CODE_WINDOW,
    },
    personalAccessTokens: {
      maxTtlSeconds: config.GRANTLINE_PAT_MAX_TTL,
      defaultTtlSeconds: config.GRANTLINE_PAT_DEFAULT_TTL,
    },
    dpop: {
      proofWindowSeconds: config.GRANTLINE_DPOP_PROOF_WINDOW,
      nonceRequired: config.GRANTLINE_DPOP_NONCE,
      noncePeriodSeconds: config.GRANTLINE_DPOP_NONCE_PERIOD,
    },
    registration: registrationSettingsOf(config),
  };
}

/** Who may register clients (RFC 7591) and what such a client may have. */
function registrationSettingsOf(config: Config): OAuthSettings['registration'] {
  return {
    policy: config.GRANTLINE_REGISTRATION,
    initialAccessTokens: config.GRANTLINE_REGISTRATION_INITIAL_ACCESS_TOKENS,
    limitPerHour: config.GRANTLINE_REGISTRATION_LIMIT_PER_HOUR,
    grantTypes: config.GRANTLINE_REGISTRATION_GRANT_TYPES,
    authMethods: config.GRANTLINE_REGISTRATION_AUTH_METHODS,
    scopes: config.GRANTLINE_REGISTRATION_SCOPES,
    maxRedirectUris: config.GRANTLINE_REGISTRATION_MAX_REDIRECT_URIS,
    defaultApplicationType: config.GRANTLINE_REGISTRATION_DEFAULT_APPLICATION_TYPE,
    idleTtlSeconds: config.GRANTLINE_DYNAMIC_CLIENT_IDLE_TTL ?? config.GRANTLINE_TOKENS_RETENTION,
  };
}
