import type { Config } from '@grantline/lib-config';
import type { EventLog } from '@grantline/lib-event-log';
import { createGuardedFetcher, type GuardedFetcher } from '@grantline/lib-fetch';
import {
  backchannelLeaseSeconds,
  ClientKeyCache,
  DpopNonces,
  metadataDocumentClients,
  projectedClients,
  randomIds,
  TrustedIssuerDirectory,
  systemClock,
  VerifiedSecretCache,
  type ClientDirectory,
  type OAuthContext,
  type OAuthSettings,
} from '@grantline/lib-oauth';
import {
  MemoryClientDocumentCache,
  type ClientDocumentCache,
  type GuardStore,
  type ProjectionStore,
} from '@grantline/lib-projections';
import type { GrantlineMetrics } from '@grantline/lib-telemetry';
import { ArtifactSealer, VerifiedTokenCache, type KeyRing } from '@grantline/lib-tokens';
import { readCaFile } from './ca-file';
import { readTrustedIssuers } from './trusted-issuers-file';

export function createOAuthContext(
  config: Config,
  log: EventLog,
  store: ProjectionStore,
  guards: GuardStore,
  keys: KeyRing,
  metrics: GrantlineMetrics,
  documents: ClientDocumentCache = new MemoryClientDocumentCache(),
): OAuthContext {
  const fetcher = guardedFetcher(config, metrics);
  const sources = { fetcher, clock: systemClock, keys };
  return {
    settings: oauthSettings(config),
    log,
    store,
    clients: clientDirectory(config, store, sources, documents),
    guards,
    keys,
    artifacts: new ArtifactSealer(keys),
    clock: systemClock,
    ids: randomIds,
    secrets: new VerifiedSecretCache(),
    tokenCache: new VerifiedTokenCache(100_000),
    dpopNonces: new DpopNonces(keys, config.GRANTLINE_DPOP_NONCE_PERIOD),
    metrics,
    fetcher,
    trustedIssuers: new TrustedIssuerDirectory(readTrustedIssuers(config), fetcher, systemClock),
    clientKeys: new ClientKeyCache(),
  };
}

/**
 * Where endpoints find clients: the projection, and, unless turned off, clients known by the
 * URL of their metadata document, whose documents `documents` keeps for every replica.
 */
export function clientDirectory(
  config: Config,
  store: ProjectionStore,
  sources: Pick<OAuthContext, 'fetcher' | 'clock' | 'keys'>,
  documents: ClientDocumentCache,
): ClientDirectory {
  const registered = projectedClients(store);
  if (!config.GRANTLINE_CLIENT_METADATA_DOCUMENTS) return registered;
  return metadataDocumentClients(registered, sources, documents, {
    scopes: config.GRANTLINE_CLIENT_METADATA_SCOPES,
    openid: { algorithms: sources.keys.algorithms(), pairwiseSalt: config.GRANTLINE_PAIRWISE_SALT ?? null },
    caching: {
      minSeconds: config.GRANTLINE_CLIENT_METADATA_CACHE_MIN,
      maxSeconds: config.GRANTLINE_CLIENT_METADATA_CACHE_MAX,
      defaultSeconds: config.GRANTLINE_CLIENT_METADATA_CACHE_DEFAULT,
      failureSeconds: config.GRANTLINE_CLIENT_METADATA_FAILURE_CACHE,
    },
  });
}

/** The one fetcher of URLs that clients name, as the GRANTLINE_FETCH_* settings shape it. */
export function guardedFetcher(config: Config, metrics: GrantlineMetrics): GuardedFetcher {
  const caFile = config.GRANTLINE_FETCH_CA_FILE;
  return createGuardedFetcher({
    allowedHosts: config.GRANTLINE_FETCH_ALLOWED_HOSTS,
    extraCaCertificates: caFile === undefined ? undefined : readCaFile('GRANTLINE_FETCH_CA_FILE', caFile),
    allowHttpForAllowedHosts: config.GRANTLINE_FETCH_ALLOW_HTTP,
    timeoutMs: config.GRANTLINE_FETCH_TIMEOUT_MS,
    maxBytes: config.GRANTLINE_FETCH_MAX_BYTES,
    onOutcome: (outcome) => metrics.remoteFetched(outcome),
  });
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
    openid: { idTokenTtlSeconds: config.GRANTLINE_ID_TOKEN_TTL, pairwiseSalt: config.GRANTLINE_PAIRWISE_SALT ?? null },
    backchannelLogout: {
      attempts: config.GRANTLINE_BACKCHANNEL_LOGOUT_ATTEMPTS,
      retryBaseMs: config.GRANTLINE_BACKCHANNEL_LOGOUT_RETRY_MS,
      leaseSeconds: backchannelLeaseSeconds(
        config.GRANTLINE_BACKCHANNEL_LOGOUT_ATTEMPTS,
        config.GRANTLINE_BACKCHANNEL_LOGOUT_RETRY_MS,
        config.GRANTLINE_FETCH_TIMEOUT_MS,
      ),
    },
    par: { ttlSeconds: config.GRANTLINE_PAR_TTL, required: config.GRANTLINE_REQUIRE_PAR },
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
    clientMetadataDocuments: config.GRANTLINE_CLIENT_METADATA_DOCUMENTS,
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
