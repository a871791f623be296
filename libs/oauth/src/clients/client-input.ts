import { z } from 'zod';
import { clientJwkSetSchema, grantTypeSchema, resourceUriSchema } from '@grantline/lib-events';
import { redirectUriRefusal } from './redirect-uri-policy';

const absoluteUri = z
  .string()
  .url()
  .refine((uri) => !uri.includes('#'), 'must not contain a fragment (RFC 6749 §3.1.2)');

/** A redirect URI a client may register: absolute, no fragment, and sent only over TLS or loopback. */
const redirectUri = absoluteUri.superRefine((uri, context) => {
  const refusal = redirectUriRefusal(uri);
  if (refusal !== null) context.addIssue({ code: 'custom', message: refusal });
});

/** Space or comma separated, or a list; duplicates dropped; each an RFC 6749 §3.3 scope token. */
export const scopeList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(/[\s,]+/)))
  .transform((scopes) => [...new Set(scopes.filter((scope) => scope !== ''))])
  .pipe(z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'invalid scope token')));

/** A web origin is scheme, host and port only (RFC 6454), as browsers send it in `Origin`. */
const webOrigin = z
  .string()
  .url()
  .refine((value) => new URL(value).origin === value.replace(/\/$/, ''), 'must be an origin: scheme://host[:port]')
  .transform((value) => new URL(value).origin);

const seconds = z.number().int().positive();

export const PUBLIC_CLIENTS_ROTATE = 'a public client always rotates its refresh tokens (OAuth 2.1 §4.3.1)';
export const PUBLIC_CLIENTS_USE_PKCE = 'a public client always uses PKCE (RFC 9700 §2.1.1)';

/** Per-client refresh-token settings: lifetimes in seconds, and whether tokens rotate. */
const refreshTokenFields = {
  refresh_token_idle_ttl: seconds.optional(),
  refresh_token_absolute_ttl: seconds.optional(),
  refresh_token_grace_period: z.number().int().nonnegative().max(300).optional(),
  /** false: a confidential client keeps its refresh token across refreshes (FAPI 2.0). */
  refresh_token_rotation: z.boolean().optional(),
};

/** RFC 8707: the resources a client may ask tokens for (null: every registered one), and its default. */
const resourceFields = {
  resources: z
    .array(resourceUriSchema)
    .transform((uris) => [...new Set(uris)])
    .nullable()
    .optional(),
  default_resource: resourceUriSchema.nullable().optional(),
  /** RFC 7662 §4: the resource whose server this client is; it learns only about that resource's tokens. */
  introspects_for: resourceUriSchema.nullable().optional(),
};

/** RFC 7591 §2: the client's public keys for `private_key_jwt`, in the record or at an https URL. */
const keyFields = {
  jwks: clientJwkSetSchema.optional(),
  jwks_uri: z
    .string()
    .url()
    .regex(/^https:\/\//, 'must be an https URL')
    .optional(),
};

/** RFC 7591 §2: how the client authenticates; implied by `public`, a secret or keys when absent. */
const authMethodSchema = z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none']);

/** Admin API and CLI input for registering a client. */
export const registerClientSchema = z
  .object({
    name: z.string().min(1).max(200),
    grant_types: z.array(grantTypeSchema).min(1).default(['client_credentials']),
    scopes: scopeList.default([]),
    redirect_uris: z.array(redirectUri).default([]),
    web_origins: z.array(webOrigin).default([]),
    public: z.boolean().default(false),
    first_party: z.boolean().default(false),
    require_pkce: z.boolean().default(true),
    require_dpop: z.boolean().default(false),
    dpop_nonce: z.boolean().default(false),
    require_pushed_authorization_requests: z.boolean().default(false),
    ...refreshTokenFields,
    ...resourceFields,
    client_id: z
      .string()
      .regex(/^[\x21-\x7E]{1,128}$/, 'printable ASCII, at most 128 characters')
      .optional(),
    client_secret: z.string().min(8).max(512).optional(),
    token_endpoint_auth_method: authMethodSchema.optional(),
    ...keyFields,
  })
  .strict()
  .refine((input) => !(input.public && input.client_secret), 'a public client has no secret')
  .refine((input) => !(input.jwks && input.jwks_uri), 'send jwks or jwks_uri, not both')
  .refine(
    (input) =>
      (input.jwks !== undefined || input.jwks_uri !== undefined) ===
      (input.token_endpoint_auth_method === 'private_key_jwt'),
    'token_endpoint_auth_method private_key_jwt goes with jwks or jwks_uri',
  )
  .refine(
    (input) => input.token_endpoint_auth_method !== 'private_key_jwt' || (!input.public && !input.client_secret),
    'a private_key_jwt client is confidential and has no secret',
  )
  .refine(
    (input) =>
      input.token_endpoint_auth_method === undefined || (input.token_endpoint_auth_method === 'none') === input.public,
    'token_endpoint_auth_method none is for public clients, and only it',
  )
  .refine(
    (input) => !(input.public && input.grant_types.includes('client_credentials')),
    'client_credentials needs a confidential client (RFC 6749 §4.4)',
  )
  .refine((input) => !(input.public && input.refresh_token_rotation === false), PUBLIC_CLIENTS_ROTATE)
  .refine((input) => !(input.public && !input.require_pkce), PUBLIC_CLIENTS_USE_PKCE);
export type RegisterClientInput = z.infer<typeof registerClientSchema>;

export const updateClientSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    grant_types: z.array(grantTypeSchema).min(1).optional(),
    scopes: scopeList.optional(),
    redirect_uris: z.array(redirectUri).optional(),
    web_origins: z.array(webOrigin).optional(),
    first_party: z.boolean().optional(),
    require_pkce: z.boolean().optional(),
    require_dpop: z.boolean().optional(),
    dpop_nonce: z.boolean().optional(),
    require_pushed_authorization_requests: z.boolean().optional(),
    ...refreshTokenFields,
    ...resourceFields,
    /** Replaces the client's keys (key rotation); a client with a secret moves to private_key_jwt. */
    ...keyFields,
  })
  .strict()
  .refine((input) => !(input.jwks && input.jwks_uri), 'send jwks or jwks_uri, not both');
export type UpdateClientInput = z.infer<typeof updateClientSchema>;

export const rotateSecretSchema = z.object({ client_secret: z.string().min(8).max(512).optional() }).strict();
