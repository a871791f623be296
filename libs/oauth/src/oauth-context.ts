import type { EventLog } from '@grantline/lib-event-log';
import type { RemoteFetcher } from '@grantline/lib-fetch';
import type { GuardStore, ProjectionStore } from '@grantline/lib-projections';
import type { GrantlineMetrics } from '@grantline/lib-telemetry';
import type { ArtifactSealer, KeyRing, VerifiedTokenCache } from '@grantline/lib-tokens';
import type { Clock, IdSource } from './clock';
import type { VerifiedSecretCache } from './client-secret';
import type { ClientDirectory } from './clients/client-directory';
import type { ClientKeyCache } from './clients/client-keys';
import type { DpopNonces } from './dpop/dpop-nonce';
import type { TrustedIssuerDirectory } from './jwt-bearer/trusted-issuer-directory';
import type { RegistrationSettings } from './registration/registration-policy';

/** Settings the OAuth endpoints read; each is one key of the service configuration. */
export interface OAuthSettings {
  issuer: string;
  accessTokenAudience: string;
  accessTokenTtlSeconds: number;
  introspection: { allowUnauthenticated: boolean; unauthenticatedLimitPerMinute: number };
  authorizationCodeTtlSeconds: number;
  sessionTtlSeconds: number;
  /** OpenID Connect: how long ID tokens live, and the secret of pairwise subjects (null: no pairwise clients). */
  openid: { idTokenTtlSeconds: number; pairwiseSalt: string | null };
  /** OpenID Connect Back-Channel Logout: how often a logout token is sent, and the first pause between tries. */
  /** `leaseSeconds`: how long one replica holds a notice (backchannelLeaseSeconds). */
  backchannelLogout: { attempts: number; retryBaseMs: number; leaseSeconds: number };
  /** RFC 9126: how long a pushed request lives, and whether every client must push. */
  par: { ttlSeconds: number; required: boolean };
  signIn: { limitPerAccount: number; limitPerAddress: number; windowSeconds: number };
  device: {
    codeTtlSeconds: number;
    pollIntervalSeconds: number;
    userCodeLimitPerBrowser: number;
    userCodeLimitPerAddress: number;
    userCodeWindowSeconds: number;
  };
  personalAccessTokens: { maxTtlSeconds: number; defaultTtlSeconds: number };
  dpop: { proofWindowSeconds: number; nonceRequired: boolean; noncePeriodSeconds: number };
  /** Whether clients may name themselves by the URL of their metadata document (then `clients` resolves them). */
  clientMetadataDocuments?: boolean;
  /** Dynamic client registration (RFC 7591, RFC 7592). */
  registration: RegistrationSettings;
}

/** What every endpoint is built from: adapters, keys and the injected clock and ids. */
export interface OAuthContext {
  settings: OAuthSettings;
  log: EventLog;
  /** Read projections of the log. */
  store: ProjectionStore;
  /** Where every endpoint finds a client by its id. */
  clients: ClientDirectory;
  /** Single-use claims and rate limits, owned by the service that checks them. */
  guards: GuardStore;
  keys: KeyRing;
  /** Seals and opens codes, refresh tokens, sessions and pending authorization requests. */
  artifacts: ArtifactSealer;
  clock: Clock;
  ids: IdSource;
  secrets: VerifiedSecretCache;
  tokenCache: VerifiedTokenCache;
  /** Stateless DPoP server nonces (RFC 9449 §8). */
  dpopNonces: DpopNonces;
  metrics: GrantlineMetrics;
  /** Fetches what clients and operators point at (key sets, metadata documents), under one guard. */
  fetcher: RemoteFetcher;
  /** Issuers whose JWTs the JWT bearer grant accepts (RFC 7523 §2.1), with this replica's cache of their keys. */
  trustedIssuers: TrustedIssuerDirectory;
  /** The public keys of `private_key_jwt` clients, with fetched key sets kept per replica. */
  clientKeys: ClientKeyCache;
}
