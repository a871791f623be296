import { MemoryEventLog } from '@grantline/lib-event-log';
import { refusingFetcher } from '@grantline/lib-fetch';
import {
  errorResponse,
  toOAuthError,
  type OAuthResponse,
  randomIds,
  registerClient,
  registerClientSchema,
  registerResource,
  registerResourceSchema,
  registerUser,
  createUserSchema,
  generateUserId,
  VerifiedSecretCache,
  DpopNonces,
  ClientKeyCache,
  metadataDocumentClients,
  projectedClients,
  type Clock,
  type MetadataDocumentClientsOptions,
  type OAuthContext,
  type OAuthRequest,
  NO_TRUSTED_ISSUERS,
  TrustedIssuerDirectory,
} from '@grantline/lib-oauth';
import {
  MemoryClientDocumentCache,
  MemoryGuardStore,
  MemoryProjectionStore,
  type UserRecord,
} from '@grantline/lib-projections';
import { noMetrics } from '@grantline/lib-telemetry';
import { stampEvent, streams, type OpenIdClient } from '@grantline/lib-events';
import { ArtifactSealer, generateSigningJwk, keyRingFromJwks, VerifiedTokenCache } from '@grantline/lib-tokens';

export const TEST_ISSUER = 'https://issuer.test';

/** A clock tests can move. */
export class ManualClock implements Clock {
  constructor(private current = new Date('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return this.current;
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

export interface OAuthFixture {
  context: OAuthContext;
  log: MemoryEventLog;
  store: MemoryProjectionStore;
  guards: MemoryGuardStore;
  /** The cache of client ID metadata documents (used when `clientMetadataDocuments` is on). */
  documents: MemoryClientDocumentCache;
  clock: ManualClock;
  /** Registers a client through the same decision and log the admin API uses. */
  registerClient(input: Record<string, unknown>): Promise<{ clientId: string; secret?: string }>;
  /** Registers a resource (RFC 8707) the same way. */
  registerResource(input: { uri: string; name: string; scopes?: string }): Promise<void>;
  /** Registers a user the same way; resolves with the user as projected. */
  registerUser(input: { email: string; name: string; password: string }): Promise<UserRecord>;
  /** Changes a registered client's OpenID Connect settings, as a ClientUpdated event. */
  updateOpenId(clientId: string, openid: Partial<OpenIdClient>): Promise<void>;
}

/** How the fixture's directory treats clients known by their metadata document, unless a test says otherwise. */
export const FIXTURE_METADATA_DOCUMENTS: MetadataDocumentClientsOptions = {
  scopes: ['read', 'write'],
  openid: { algorithms: ['ES256', 'RS256'], pairwiseSalt: null },
  caching: { minSeconds: 60, maxSeconds: 3600, defaultSeconds: 300, failureSeconds: 30 },
};

/**
 * OAuth endpoints wired to in-memory adapters, with the projector applying events in-process.
 * With `clientMetadataDocuments` on, clients are also found by their metadata document's URL,
 * fetched through `context.fetcher` (assign a MemoryFetcher).
 */
export async function oauthFixture(
  settings: Partial<OAuthContext['settings']> = {},
  metadataDocuments: MetadataDocumentClientsOptions = FIXTURE_METADATA_DOCUMENTS,
): Promise<OAuthFixture> {
  const clock = new ManualClock();
  const log = new MemoryEventLog();
  const seconds = { nowSeconds: () => Math.floor(clock.now().getTime() / 1000) };
  const store = new MemoryProjectionStore(seconds);
  const guards = new MemoryGuardStore(seconds, () => clock.now().getTime());
  const documents = new MemoryClientDocumentCache(1000, seconds);
  await log.subscribe({
    groupId: 'fixture',
    streams,
    fromBeginning: true,
    handleBatch: async (batch) => {
      for (const { event, position } of batch) await store.apply(event, position);
    },
  });
  const keys = await keyRingFromJwks([await generateSigningJwk('test-key')]);
  const context: OAuthContext = {
    settings: {
      issuer: TEST_ISSUER,
      accessTokenAudience: TEST_ISSUER,
      accessTokenTtlSeconds: 3600,
      introspection: { allowUnauthenticated: false, unauthenticatedLimitPerMinute: 3 },
      authorizationCodeTtlSeconds: 60,
      sessionTtlSeconds: 3600,
      openid: { idTokenTtlSeconds: 3600, pairwiseSalt: 'test-pairwise-salt-0123456789abcdef' },
      backchannelLogout: { attempts: 3, retryBaseMs: 1, leaseSeconds: 30 },
      par: { ttlSeconds: 60, required: false },
      signIn: { limitPerAccount: 5, limitPerAddress: 30, windowSeconds: 900 },
      device: {
        codeTtlSeconds: 600,
        pollIntervalSeconds: 5,
        userCodeLimitPerBrowser: 10,
        userCodeLimitPerAddress: 30,
        userCodeWindowSeconds: 900,
      },
      personalAccessTokens: { maxTtlSeconds: 365 * 86_400, defaultTtlSeconds: 30 * 86_400 },
      dpop: { proofWindowSeconds: 60, nonceRequired: false, noncePeriodSeconds: 300 },
      registration: {
        policy: 'off',
        initialAccessTokens: [],
        limitPerHour: 20,
        grantTypes: ['authorization_code', 'refresh_token'],
        authMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        scopes: ['read', 'write'],
        maxRedirectUris: 10,
        defaultApplicationType: 'web',
        idleTtlSeconds: 30 * 86_400,
      },
      ...settings,
    },
    log,
    store,
    clients: projectedClients(store),
    guards,
    keys,
    artifacts: new ArtifactSealer(keys),
    clock,
    ids: randomIds,
    secrets: new VerifiedSecretCache(),
    tokenCache: new VerifiedTokenCache(1000),
    dpopNonces: new DpopNonces(keys, settings.dpop?.noncePeriodSeconds ?? 300),
    metrics: noMetrics,
    fetcher: refusingFetcher,
    trustedIssuers: new TrustedIssuerDirectory(NO_TRUSTED_ISSUERS, refusingFetcher, clock),
    clientKeys: new ClientKeyCache(),
  };
  if (context.settings.clientMetadataDocuments === true) {
    context.clients = metadataDocumentClients(context.clients, context, documents, metadataDocuments);
  }
  return {
    context,
    log,
    store,
    guards,
    documents,
    clock,
    registerClient: async (input) => {
      const decision = await registerClient(registerClientSchema.parse(input), null, randomIds, {
        now: () => clock.now(),
      });
      await log.append([decision.event]);
      return { clientId: decision.client.clientId, ...(decision.secret ? { secret: decision.secret } : {}) };
    },
    registerResource: async (input) => {
      const decision = registerResource(registerResourceSchema.parse(input), null, { now: () => clock.now() });
      await log.append([decision.event]);
    },
    updateOpenId: async (clientId, openid) => {
      const client = await store.getClient(clientId);
      if (!client) throw new Error(`no client ${clientId}`);
      const updated = { ...client, openid: { ...client.openid, ...openid } };
      await log.append([
        stampEvent(
          { type: 'ClientUpdated', aggregate: { type: 'client', id: clientId }, data: { client: updated } },
          { now: () => clock.now() },
        ),
      ]);
    },
    registerUser: async (input) => {
      const parsed = createUserSchema.parse(input);
      const decision = await registerUser(parsed, await store.findUserByEmail(parsed.email), generateUserId, {
        now: () => clock.now(),
      });
      await log.append([decision.event]);
      return decision.user;
    },
  };
}

/** A form POST as the transport adapter would hand it to an endpoint. */
export function formRequest(
  params: Record<string, string> | string,
  headers: Record<string, string> = {},
): OAuthRequest {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...lowerCase(headers) },
    body: typeof params === 'string' ? params : new URLSearchParams(params).toString(),
    remoteAddress: '127.0.0.1',
    requestId: 'test-request',
  };
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** Calls an endpoint as the transport adapter does: thrown errors become RFC 6749 §5.2 responses. */
export async function respond(
  context: OAuthContext,
  endpoint: (context: OAuthContext, request: OAuthRequest) => Promise<OAuthResponse>,
  request: OAuthRequest,
): Promise<OAuthResponse> {
  try {
    return await endpoint(context, request);
  } catch (error) {
    return errorResponse(toOAuthError(error));
  }
}
