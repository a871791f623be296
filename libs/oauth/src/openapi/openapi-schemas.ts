import { z } from 'zod';
import { CLIENT_ASSERTION_TYPE } from '../clients/client-assertion';
import { PROMPTS } from '../authorize/openid-request';
import { RESPONSE_MODES } from '../authorize/response-mode';
import { OAUTH_ERROR_CODES } from '../errors';
import { allGrants } from '../grants/registry';
import { serverMetadata } from '../metadata';
import { openIdProviderMetadata } from '../openid/provider-metadata';
import { USER_CLAIM_NAMES } from '../openid/user-claims';
import { protectedResourceMetadata } from '../protected-resource-metadata';
import { creationInputSchema, UNPRINTABLE_CHARACTER } from '../personal-access-tokens/pat-input';

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
  client_assertion_type: {
    const: CLIENT_ASSERTION_TYPE,
    description: 'private_key_jwt (RFC 7523 §2.2), with client_assertion.',
  },
  client_assertion: {
    ...text,
    description:
      "private_key_jwt: a JWT signed by one of the client's registered keys, iss and sub the client_id, aud the " +
      "issuer or this endpoint's URL, a short exp and a jti used once (RFC 7523 §3).",
  },
};

/**
 * One form body per grant, generated from the zod schema its handler validates with, so a
 * parameter added to a grant shows up here without anyone remembering to.
 */
/**
 * RFC 8707 §2: an absolute URI without a fragment, repeated once per resource. An empty value
 * counts as absent, as every empty parameter does (RFC 6749 §3.1).
 */
const resource = {
  type: 'array',
  items: { anyOf: [{ type: 'string', format: 'uri' }, { const: '' }] },
  description:
    'RFC 8707 resource indicators: the resources the token is for; repeat the parameter for several. ' +
    'An empty value counts as absent (RFC 6749 §3.1).',
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
  properties: {
    error: { enum: [...OAUTH_ERROR_CODES] },
    // RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E.
    error_description: { ...text, pattern: '^[ !#-\\[\\]-~]*$' },
  },
  required: ['error'],
  additionalProperties: false,
};

/** RFC 6749 §5.1, RFC 9449 §5 (DPoP-bound tokens), RFC 8693 §2.2.1 (token exchange). */
const tokenResponse = {
  type: 'object',
  properties: {
    access_token: text,
    token_type: { enum: ['Bearer', 'DPoP'] },
    expires_in: integer,
    scope: text,
    refresh_token: text,
    // OpenID Connect Core §3.1.3.3: for a grant whose scope includes openid.
    id_token: text,
    issued_token_type: { const: 'urn:ietf:params:oauth:token-type:access_token' },
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
    act: ref('Actor'),
    username: text,
  },
  required: ['active'],
  // RFC 7662 §2.2: on a token issued for a JWT bearer assertion, the claims the operator maps from it (0045).
  additionalProperties: { type: 'string' },
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

/** The authorization request's parameters (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1). */
const authorizationParameters = {
  client_id: text,
  response_type: { const: 'code' },
  redirect_uri: text,
  scope: text,
  state: text,
  code_challenge: text,
  code_challenge_method: { const: 'S256' },
  prompt: { ...text, description: `Space-delimited: ${PROMPTS.join(', ')}; none stands alone.` },
  response_mode: { enum: [...RESPONSE_MODES] },
  nonce: text,
  max_age: { ...text, pattern: '^[0-9]+$' },
  login_hint: text,
  id_token_hint: text,
  acr_values: text,
  claims: { ...text, description: 'OpenID Connect Core 5.5: a JSON object with userinfo and id_token members.' },
  dpop_jkt: { ...text, description: 'RFC 9449 §10; a DPoP header on the push binds the code the same way.' },
  resource,
};

/** OpenID Connect Core §3.1.2.1: the authorization request as a form POST, read as the query is. */
const authorizationRequest = {
  type: 'object',
  properties: { ...authorizationParameters, request_uri: text },
  required: ['client_id'],
};

/** RFC 9126 §2.1: the authorization request's parameters, pushed with the client's credentials. */
const pushedAuthorizationRequest = {
  type: 'object',
  properties: { ...authorizationParameters, ...client },
  required: ['response_type'],
};

/** RFC 9126 §2.2. */
const pushedAuthorizationResponse = {
  type: 'object',
  properties: {
    request_uri: { ...text, pattern: '^urn:ietf:params:oauth:request_uri:' },
    expires_in: integer,
  },
  required: ['request_uri', 'expires_in'],
  additionalProperties: false,
};

const time = { type: 'string', format: 'date-time' };
const user = {
  type: 'object',
  properties: { id: text, sub: text, name: text, email: text, created_at: time },
  required: ['id', 'sub', 'name', 'email'],
  additionalProperties: false,
};

/** OpenID Connect Core §5.3.2: `sub` and the claims the token's scopes and request allow. */
const userInfoClaim = (name: string) => {
  if (name === 'email_verified') return { type: 'boolean' };
  return name === 'updated_at' ? { type: 'integer' } : text;
};
const openIdUserInfo = {
  type: 'object',
  properties: { sub: text, ...Object.fromEntries(USER_CLAIM_NAMES.map((name) => [name, userInfoClaim(name)])) },
  required: ['sub'],
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

/**
 * The characters a display name may not hold, as ranges of the Basic Multilingual Plane: regex
 * engines without Unicode property classes (Python's and Rust's, which fuzzers use) read it.
 * Lone surrogates (a `\uD800` escape in the JSON text) and the few format characters beyond
 * that plane (tags, musical controls) are refused too, though the pattern does not say so: no
 * UTF-8 pattern can name the first, and the second would need the `u` flag.
 */
function printableNamePattern(): string {
  const ranges: [number, number][] = [];
  for (let code = 0; code <= 0xffff; code += 1) {
    if ((code >= 0xd800 && code <= 0xdfff) || !UNPRINTABLE_CHARACTER.test(String.fromCharCode(code))) continue;
    const last = ranges.at(-1);
    if (last && last[1] === code - 1) last[1] = code;
    else ranges.push([code, code]);
  }
  const hex = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
  const members = ranges.map(([from, to]) => (from === to ? hex(from) : `${hex(from)}-${hex(to)}`));
  return `^[^${members.join('')}]+$`;
}

function personalAccessTokenCreation(): JsonSchema {
  const schema = inputSchema(creationInputSchema(PAT_LIMITS)) as { properties: { name: JsonSchema } };
  return {
    ...schema,
    properties: { ...schema.properties, name: { ...schema.properties.name, pattern: printableNamePattern() } },
  };
}

const probe = {
  type: 'object',
  properties: { status: text, checks: { type: 'object', additionalProperties: { type: 'boolean' } } },
  required: ['status'],
};

/** The members a metadata document writes, each typed by the value it holds. */
function metadataSchema(document: Record<string, unknown>, optional: readonly string[] = []): JsonSchema {
  const members = Object.entries(document);
  const typeOf = (value: unknown) =>
    Array.isArray(value) ? { type: 'array', items: text } : { type: typeof value === 'boolean' ? 'boolean' : 'string' };
  return {
    type: 'object',
    properties: Object.fromEntries(members.map(([name, value]) => [name, typeOf(value)])),
    required: members.map(([name]) => name).filter((name) => !optional.includes(name)),
    additionalProperties: false,
  };
}

/** A key ring's algorithms as far as the OpenID metadata's shape needs them. */
const fixedKeys = { algorithms: () => ['RS256'], active: { alg: 'RS256' } } as const;

/** `components.schemas` of the document. */
export function componentSchemas(): Record<string, JsonSchema> {
  return {
    OAuthError: oauthError,
    NotFound: { type: 'object', properties: { error: { const: 'not_found' } }, required: ['error'] },
    TokenRequest: tokenRequest(),
    TokenResponse: tokenResponse,
    TokenParameter: {
      type: 'object',
      properties: {
        token: { ...text, minLength: 1 },
        token_type_hint: {
          ...text,
          description:
            'access_token or refresh_token; the token is found without it, so any value is ignored (RFC 7009 §2.1, RFC 7662 §2.1)',
        },
        ...client,
      },
      required: ['token'],
    },
    Introspection: introspection,
    // RFC 8693 §4.1: the actor of an exchanged token, and the actors before it.
    Actor: {
      type: 'object',
      properties: { sub: text, act: ref('Actor') },
      required: ['sub'],
      additionalProperties: false,
    },
    Revoked: { type: 'object', maxProperties: 0 },
    DeviceAuthorizationRequest: { type: 'object', properties: { ...client, scope: text, resource } },
    DeviceAuthorization: deviceAuthorization,
    AuthorizationRequest: authorizationRequest,
    PushedAuthorizationRequest: pushedAuthorizationRequest,
    PushedAuthorizationResponse: pushedAuthorizationResponse,
    User: user,
    UserInfo: openIdUserInfo,
    PersonalAccessTokenCreation: personalAccessTokenCreation(),
    CreatedPersonalAccessToken: createdPersonalAccessToken,
    PersonalAccessToken: personalAccessToken,
    PersonalAccessTokenList: {
      type: 'object',
      properties: { personal_access_tokens: { type: 'array', items: ref('PersonalAccessToken') } },
      required: ['personal_access_tokens'],
      additionalProperties: false,
    },
    // RFC 8414 §2 and RFC 9728 §2.
    ServerMetadata: metadataSchema(serverMetadata('https://issuer.example', [], ['ES256'], false, true), [
      'registration_endpoint',
    ]),
    // OpenID Connect Discovery §3: the RFC 8414 members and the OpenID Provider's.
    OpenIdProviderMetadata: metadataSchema(
      {
        ...serverMetadata('https://issuer.example', [], ['ES256'], false, true),
        ...openIdProviderMetadata('https://issuer.example', fixedKeys, true),
      },
      ['registration_endpoint'],
    ),
    ProtectedResourceMetadata: metadataSchema(protectedResourceMetadata('https://issuer.example')),
    JsonWebKeySet: {
      type: 'object',
      properties: { keys: { type: 'array', items: { type: 'object', required: ['kty'] } } },
      required: ['keys'],
    },
    Probe: probe,
  };
}
