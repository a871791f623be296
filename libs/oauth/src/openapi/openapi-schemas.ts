import { z } from 'zod';
import { OAUTH_ERROR_CODES } from '../errors';
import { allGrants } from '../grants/registry';
import { serverMetadata } from '../metadata';
import { creationInputSchema } from '../personal-access-tokens/pat-input';

export type JsonSchema = { [key: string]: unknown };

/** A zod schema as the input it accepts, in JSON Schema draft 2020-12 (what OpenAPI 3.1 uses). */
export function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const text = { type: 'string' };
const integer = { type: 'integer' };
const client = {
  client_id: { ...text, description: 'With client_secret_post or a public client (RFC 6749 §2.3.1).' },
  client_secret: { ...text, description: 'client_secret_post; prefer HTTP Basic (client_secret_basic).' },
};

/**
 * One form body per grant, generated from the zod schema its handler validates with, so a
 * parameter added to a grant shows up here without anyone remembering to.
 */
/** RFC 8707 §2: an absolute URI without a fragment, repeated once per resource. */
const resource = {
  type: 'array',
  items: { type: 'string', format: 'uri' },
  description: 'RFC 8707 resource indicators: the resources the token is for; repeat the parameter for several',
};

function tokenRequest(): JsonSchema {
  return {
    oneOf: allGrants.map((grant) => {
      const params = inputSchema(grant.params) as { properties?: JsonSchema; required?: string[] };
      return {
        type: 'object',
        title: grant.grantType,
        properties: { grant_type: { const: grant.grantType }, ...client, ...params.properties, resource },
        required: ['grant_type', ...(params.required ?? [])],
      };
    }),
  };
}

/** RFC 6749 §5.2: every OAuth error answer, the `error` from the one error family. */
const oauthError = {
  type: 'object',
  properties: { error: { enum: [...OAUTH_ERROR_CODES] }, error_description: text },
  required: ['error'],
  additionalProperties: false,
};

/** RFC 6749 §5.1, RFC 9449 §5 (DPoP-bound tokens). */
const tokenResponse = {
  type: 'object',
  properties: {
    access_token: text,
    token_type: { enum: ['Bearer', 'DPoP'] },
    expires_in: integer,
    scope: text,
    refresh_token: text,
  },
  required: ['access_token', 'token_type', 'expires_in'],
  additionalProperties: false,
};

/** RFC 7662 §2.2: `{active: false}` alone, or the token's claims. */
const introspection = {
  type: 'object',
  properties: {
    active: { type: 'boolean' },
    scope: text,
    client_id: text,
    sub: text,
    exp: integer,
    iat: integer,
    token_type: { enum: ['Bearer', 'DPoP', 'personal_access_token'] },
    iss: text,
    aud: { oneOf: [text, { type: 'array', items: text }] },
    jti: text,
    cnf: { type: 'object', properties: { jkt: text }, required: ['jkt'], additionalProperties: false },
    username: text,
  },
  required: ['active'],
  additionalProperties: false,
};

/** RFC 8628 §3.2. */
const deviceAuthorization = {
  type: 'object',
  properties: {
    device_code: text,
    user_code: text,
    verification_uri: text,
    verification_uri_complete: text,
    expires_in: integer,
    interval: integer,
  },
  required: ['device_code', 'user_code', 'verification_uri', 'expires_in', 'interval'],
  additionalProperties: false,
};

const time = { type: 'string', format: 'date-time' };
const user = {
  type: 'object',
  properties: { id: text, sub: text, name: text, email: text, created_at: time },
  required: ['id', 'sub', 'name', 'email'],
  additionalProperties: false,
};

const scopes = { type: 'array', items: text };
const personalAccessToken = {
  type: 'object',
  properties: { id: text, name: text, scopes, created_at: time, expires_at: time, revoked: { type: 'boolean' } },
  required: ['id', 'name', 'scopes', 'created_at', 'expires_at', 'revoked'],
  additionalProperties: false,
};
const createdPersonalAccessToken = {
  type: 'object',
  properties: { id: text, access_token: text, token_type: { const: 'Bearer' }, name: text, scopes, expires_at: time },
  required: ['id', 'access_token', 'token_type', 'name', 'scopes', 'expires_at'],
  additionalProperties: false,
};

/**
 * The body of a creation request, from the schema the endpoint parses it with. The longest
 * lifetime is the deployment's (GRANTLINE_PAT_MAX_TTL), so none is written into the document.
 */
const PAT_LIMITS = { maxTtlSeconds: Number.MAX_SAFE_INTEGER, defaultTtlSeconds: 1 };

const probe = {
  type: 'object',
  properties: { status: text, checks: { type: 'object', additionalProperties: { type: 'boolean' } } },
  required: ['status'],
};

/** RFC 8414 §2: the members `serverMetadata` writes, each typed by the value it holds. */
function serverMetadataSchema(): JsonSchema {
  const members = Object.entries(serverMetadata('https://issuer.example'));
  const typeOf = (value: unknown) =>
    Array.isArray(value) ? { type: 'array', items: text } : { type: typeof value === 'boolean' ? 'boolean' : 'string' };
  return {
    type: 'object',
    properties: Object.fromEntries(members.map(([name, value]) => [name, typeOf(value)])),
    required: members.map(([name]) => name),
    additionalProperties: false,
  };
}

/** `components.schemas` of the document. */
export function componentSchemas(): Record<string, JsonSchema> {
  return {
    OAuthError: oauthError,
    NotFound: { type: 'object', properties: { error: { const: 'not_found' } }, required: ['error'] },
    TokenRequest: tokenRequest(),
    TokenResponse: tokenResponse,
    TokenParameter: {
      type: 'object',
      properties: { token: text, token_type_hint: { enum: ['access_token', 'refresh_token'] }, ...client },
      required: ['token'],
    },
    Introspection: introspection,
    Revoked: { type: 'object', maxProperties: 0 },
    DeviceAuthorizationRequest: { type: 'object', properties: { ...client, scope: text, resource } },
    DeviceAuthorization: deviceAuthorization,
    User: user,
    PersonalAccessTokenCreation: inputSchema(creationInputSchema(PAT_LIMITS)),
    CreatedPersonalAccessToken: createdPersonalAccessToken,
    PersonalAccessToken: personalAccessToken,
    PersonalAccessTokenList: {
      type: 'object',
      properties: { personal_access_tokens: { type: 'array', items: ref('PersonalAccessToken') } },
      required: ['personal_access_tokens'],
      additionalProperties: false,
    },
    ServerMetadata: serverMetadataSchema(),
    JsonWebKeySet: {
      type: 'object',
      properties: { keys: { type: 'array', items: { type: 'object', required: ['kty'] } } },
      required: ['keys'],
    },
    Probe: probe,
  };
}
