import { z } from 'zod';
import { envelopeFields } from './envelope';
import { resourceUriSchema } from './resource-events';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8693 §2.1: a token obtained for another token, narrower and no longer-lived. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
/** RFC 7523 §2.1: an access token for the subject of a trusted issuer's JWT (a workload's identity). */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const grantTypes = [
  'client_credentials',
  'authorization_code',
  'refresh_token',
  DEVICE_CODE_GRANT,
  TOKEN_EXCHANGE_GRANT,
  JWT_BEARER_GRANT,
] as const;
export const grantTypeSchema = z.enum(grantTypes);
export type GrantType = z.infer<typeof grantTypeSchema>;

const DAY = 24 * 60 * 60;

/** How a client's refresh tokens age and rotate; every value is in seconds. */
export const refreshTokenPolicySchema = z
  .object({
    /** A refresh token unused for this long expires. */
    idleTtl: z
      .number()
      .int()
      .positive()
      .default(14 * DAY),
    /** No refresh token of a grant outlives the grant's start plus this. */
    absoluteTtl: z
      .number()
      .int()
      .positive()
      .default(90 * DAY),
    /** How long a just-rotated token may be presented again without revoking the grant; 0 is strict. */
    gracePeriod: z.number().int().nonnegative().max(300).default(0),
    /**
     * Whether every refresh replaces the refresh token. Public clients always rotate (OAuth 2.1
     * §4.3.1); a confidential client may keep one token for the grant's life (FAPI 2.0).
     */
    rotate: z.boolean().default(true),
  })
  .strict();
export type RefreshTokenPolicy = z.infer<typeof refreshTokenPolicySchema>;

/** One public key of a client's key set (RFC 7517): never private or symmetric key material. */
const publicJwkSchema = z
  .object({ kty: z.enum(['RSA', 'EC', 'OKP']), kid: z.string().min(1).max(200).optional() })
  .catchall(z.unknown())
  .refine((jwk) => !('d' in jwk) && !('p' in jwk) && !('k' in jwk), 'a client key set holds public keys only');

/** A client's public key set (RFC 7517 §5), as registered for `private_key_jwt` (RFC 7523 §2.2). */
export const clientJwkSetSchema = z.object({ keys: z.array(publicJwkSchema).min(1).max(20) });
export type ClientJwkSet = z.infer<typeof clientJwkSetSchema>;

/**
 * How a client that registered itself (RFC 7591) is managed: its registration access token, by
 * hash only (RFC 7592 §3), and the metadata it registered that the rest of the snapshot does not
 * hold, to answer reads. Operator-made clients have none.
 */
export const clientRegistrationSchema = z
  .object({
    /** SHA-256 (base64url) of the registration access token; never the token itself. */
    accessTokenHash: z.string().min(1),
    /** RFC 8252 §8.4 / OpenID Connect Registration §2: which redirect URIs the client may have. */
    applicationType: z.enum(['web', 'native']),
    /** RFC 7591 §2, as registered; `client_secret_post` and `client_secret_basic` share the secret. */
    tokenEndpointAuthMethod: z.enum(['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt']),
    clientUri: z.string().url().nullable(),
    logoUri: z.string().url().nullable(),
    softwareId: z.string().min(1).max(200).nullable(),
    softwareVersion: z.string().min(1).max(200).nullable(),
    /** When the registration was made or last replaced (RFC 7592 §2.2), ISO 8601. */
    updatedAt: z.string().datetime(),
  })
  .strict();
export type ClientRegistration = z.infer<typeof clientRegistrationSchema>;

/** The algorithms an ID token may be signed with; RS256 is every provider's (OpenID Connect Core §15.1). */
export const idTokenSigningAlgorithms = ['RS256', 'ES256'] as const;

/**
 * How a client takes part in OpenID Connect (Core, Registration, RP-Initiated and Back-Channel
 * Logout): every field has a default, so clients made before OpenID Connect read as plain ones.
 */
export const openIdClientSchema = z
  .object({
    /** Registration §2 `id_token_signed_response_alg`; null takes the server's default (RS256). */
    idTokenSignedResponseAlg: z.enum(idTokenSigningAlgorithms).nullable().default(null),
    /** Core §8: one `sub` per person everywhere (`public`), or one per sector of clients (`pairwise`). */
    subjectType: z.enum(['public', 'pairwise']).default('public'),
    /**
     * Core §8.1: the host pairwise subjects are computed for; null takes the host of the redirect
     * URIs, which must then all share one.
     */
    sectorIdentifierHost: z.string().min(1).max(253).nullable().default(null),
    /** Registration §2 `default_max_age` (seconds): re-authenticate when the sign-in is older. */
    defaultMaxAge: z.number().int().nonnegative().nullable().default(null),
    /** Registration §2 `require_auth_time`: ID tokens always carry `auth_time` (Grantline's always do). */
    requireAuthTime: z.boolean().default(false),
    /** RP-Initiated Logout §3.1: where a logout may send the browser back to, matched exactly. */
    postLogoutRedirectUris: z.array(z.string().url()).max(20).default([]),
    /** Back-Channel Logout §2.2: where logout tokens are POSTed; null for none. */
    backchannelLogoutUri: z.string().url().nullable().default(null),
    /** Back-Channel Logout §2.2: logout tokens to this client must carry `sid`. */
    backchannelLogoutSessionRequired: z.boolean().default(false),
    /**
     * Whether the grants this client got in a browser session end when the session does (logout,
     * or an operator ending it). Grants that include `offline_access` always outlive the session.
     */
    endGrantsWithSession: z.boolean().default(true),
  })
  .strict();
export type OpenIdClient = z.infer<typeof openIdClientSchema>;
/** A client's OpenID Connect settings when it registered none: every default. */
export const plainOpenIdClient = (): OpenIdClient => openIdClientSchema.parse({});

/** Why a client was deleted: by an operator, by its own registration (RFC 7592 §2.3), or for idleness. */
export const clientDeletionReasonSchema = z.enum(['operator', 'registration', 'idle']);
export type ClientDeletionReason = z.infer<typeof clientDeletionReasonSchema>;

/**
 * Client events carry the whole client as it is after the change, so the compacted clients
 * topic (which keeps only the newest event per client) still rebuilds every client.
 */
export const clientSnapshotSchema = z
  .object({
    clientId: z.string().min(1),
    name: z.string().min(1),
    /** scrypt hash of the secret; null for public clients. Never the secret itself. */
    secretHash: z.string().nullable(),
    public: z.boolean(),
    grantTypes: z.array(grantTypeSchema),
    scopes: z.array(z.string()),
    redirectUris: z.array(z.string()),
    webOrigins: z.array(z.string()),
    /** First-party clients skip the consent page. */
    firstParty: z.boolean().default(false),
    /**
     * Authorization requests must carry a PKCE challenge (RFC 7636). Always so for public clients; a
     * confidential client may be let off (RFC 9700 §2.1.1: its secret or keys, and the OpenID Connect
     * nonce, then defend its codes), for relying parties that do not send PKCE.
     */
    requirePkce: z.boolean().default(true),
    /** Tokens are issued only against a DPoP proof (RFC 9449), and so always sender-constrained. */
    requireDpop: z.boolean().default(false),
    /** DPoP proofs of this client must carry a server nonce (RFC 9449 §8). */
    dpopNonce: z.boolean().default(false),
    /** RFC 9126 §6: authorization requests only through a pushed authorization request. */
    requirePushedAuthorizationRequests: z.boolean().default(false),
    refreshTokens: refreshTokenPolicySchema.prefault({}),
    /** The resources (RFC 8707) the client may ask tokens for; null allows every registered one. */
    resources: z.array(resourceUriSchema).nullable().default(null),
    /** The resource of a request that names none; null keeps the server's own audience. */
    defaultResource: resourceUriSchema.nullable().default(null),
    /**
     * The resource this client introspects for, as that resource's server; null for none. A
     * client linked to a resource learns, at introspection, only about tokens meant for it.
     */
    introspectsFor: resourceUriSchema.nullable().default(null),
    /** The client's public keys, for `private_key_jwt` (RFC 7523 §2.2); null for none. */
    jwks: clientJwkSetSchema.nullable().default(null),
    /** Where the client publishes its public keys, fetched through the guarded fetcher; null for none. */
    jwksUri: z
      .string()
      .url()
      .regex(/^https:\/\//, 'must be an https URL')
      .nullable()
      .default(null),
    /** Present on a client that registered itself (RFC 7591), which marks it as dynamic; null otherwise. */
    registration: clientRegistrationSchema.nullable().default(null),
    /** How the client takes part in OpenID Connect; defaults for clients made before it. */
    openid: openIdClientSchema.prefault({}),
    createdAt: z.string().datetime(),
  })
  .strict()
  .refine((client) => client.jwks === null || client.jwksUri === null, 'a client has jwks or jwks_uri, not both')
  .refine(
    (client) => !client.public || (client.secretHash === null && client.jwks === null && client.jwksUri === null),
    'a public client has no credentials',
  )
  .refine((client) => !client.public || client.requirePkce, 'a public client always uses PKCE')
  .refine(
    (client) => client.public || (client.secretHash !== null) !== (client.jwks !== null || client.jwksUri !== null),
    'a confidential client authenticates with either a secret or its keys',
  );
export type ClientSnapshot = z.infer<typeof clientSnapshotSchema>;

const clientAggregate = { ...envelopeFields, version: z.literal(1) };

export const clientRegisteredSchema = z.object({
  ...clientAggregate,
  type: z.literal('ClientRegistered'),
  data: z.object({ client: clientSnapshotSchema }),
});
export const clientUpdatedSchema = z.object({
  ...clientAggregate,
  type: z.literal('ClientUpdated'),
  data: z.object({ client: clientSnapshotSchema }),
});
export const clientSecretRotatedSchema = z.object({
  ...clientAggregate,
  type: z.literal('ClientSecretRotated'),
  data: z.object({ client: clientSnapshotSchema }),
});
export const clientDeletedSchema = z.object({
  ...clientAggregate,
  type: z.literal('ClientDeleted'),
  data: z.object({
    clientId: z.string().min(1),
    /** Absent in events written before reasons were recorded: an operator's deletion. */
    reason: clientDeletionReasonSchema.optional(),
  }),
});
