import type { JsonSchema } from './openapi-schemas';

const JSON_TYPE = 'application/json';
const FORM = 'application/x-www-form-urlencoded';
const HTML = 'text/html';
const INTROSPECTION_JWT = 'application/token-introspection+jwt';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, schema: string) => ({
  description,
  content: { [JSON_TYPE]: { schema: ref(schema) } },
});
const page = (description: string) => ({ description, content: { [HTML]: { schema: { type: 'string' } } } });
const form = (schema: string) => ({ required: true, content: { [FORM]: { schema: ref(schema) } } });
const oauthError = (description: string) => json(description, 'OAuthError');
const redirect = (description: string) => ({
  description,
  headers: { Location: { schema: { type: 'string' }, required: true } },
});
const empty = (description: string) => ({ description });

/** The answers every OAuth endpoint may give besides its own (RFC 6749 §5.2, a rebuilt projection). */
const common = {
  '400': oauthError('RFC 6749 §5.2 error: a malformed, repeated or missing parameter'),
  '413': oauthError('The body is over 16 KiB'),
  '503': oauthError('temporarily_unavailable while the projection is rebuilt or a store is down'),
};
const clientAuthenticated = {
  ...common,
  '401': oauthError('invalid_client, with WWW-Authenticate when HTTP Basic was tried'),
};
const bearer = [{ bearer: [] }, { dpop: [] }];
/**
 * HTTP Basic (client_secret_basic), or none: public clients send only `client_id`, and
 * client_secret_post puts the credentials in the body, which a security scheme cannot say.
 */
const clientOrNone = [{ clientSecretBasic: [] }, {}];
const fromBody = (pointer: string) => `$response.body#/${pointer}`;
/** RFC 7662 and RFC 7009 on a token just handed out: the links a stateful run follows. */
const tokenLinks = (member: string) => ({
  [`introspect_${member}`]: { operationId: 'introspect', requestBody: { token: fromBody(member) } },
  [`revoke_${member}`]: { operationId: 'revoke', requestBody: { token: fromBody(member) } },
});
const tokenProtected = {
  ...common,
  '401': oauthError(
    'invalid_token: no token, or an expired, revoked or malformed one (RFC 6750 §3.1); the challenge names ' +
      'the resource metadata (RFC 9728 §5.1)',
  ),
};

/** `paths` of the document: every endpoint of the README's table the edge routes. */
export function apiPaths(): Record<string, JsonSchema> {
  return {
    '/oauth/authorize': {
      get: {
        operationId: 'authorize',
        summary: 'Authorization code with PKCE (S256), sign-in and consent pages',
        description:
          'With `request_uri` from POST /oauth/par (RFC 9126 §4), only `client_id` accompanies it and the ' +
          'pushed parameters are the request; the rest of the query is ignored. Otherwise `response_type`, ' +
          '`code_challenge` and `code_challenge_method` are required, unless the client is a confidential one ' +
          'registered with `require_pkce: false`.',
        parameters: [
          ...['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge']
            .concat(['code_challenge_method', 'prompt', 'response_mode', 'request_uri'])
            .concat(['nonce', 'max_age', 'login_hint', 'id_token_hint', 'acr_values', 'claims'])
            .map((name) => ({
              name,
              in: 'query',
              required: name === 'client_id',
              schema: { type: 'string' } as JsonSchema,
            })),
          // RFC 8707 §2: once per resource; an unknown or refused one is invalid_target at the redirect URI.
          { name: 'resource', in: 'query', required: false, schema: { type: 'array', items: { type: 'string' } } },
        ],
        responses: {
          '200': page(
            'The sign-in, account choice or consent page; with response_mode=form_post, the page that posts the answer',
          ),
          '302': redirect('Back to the client with code, state and iss (RFC 9207), or an error (RFC 6749 §4.1.2.1)'),
          '400': page('The client or redirect URI cannot be trusted, so the error is shown, not redirected'),
          '503': page('temporarily_unavailable'),
        },
      },
      post: {
        operationId: 'authorizeByPost',
        summary: 'The same authorization request as a form POST (OpenID Connect Core 3.1.2.1)',
        requestBody: form('AuthorizationRequest'),
        responses: {
          '200': page('As for GET'),
          '302': redirect('An error at the client, as for GET'),
          '303': redirect('Back to the client with code, state and iss, or an error'),
          '400': page('The client or redirect URI cannot be trusted, so the error is shown, not redirected'),
          '503': page('temporarily_unavailable'),
        },
      },
    },
    '/oauth/token': {
      post: {
        operationId: 'token',
        summary: 'authorization_code, refresh_token, client_credentials and device_code grants',
        security: clientOrNone,
        requestBody: form('TokenRequest'),
        responses: {
          '200': {
            ...json('RFC 6749 §5.1 token response', 'TokenResponse'),
            links: {
              ...tokenLinks('access_token'),
              ...tokenLinks('refresh_token'),
            },
          },
          ...clientAuthenticated,
        },
      },
    },
    '/oauth/device/code': {
      post: {
        operationId: 'deviceAuthorization',
        summary: 'RFC 8628 §3.1 device authorization request',
        security: clientOrNone,
        requestBody: form('DeviceAuthorizationRequest'),
        responses: { '200': json('RFC 8628 §3.2', 'DeviceAuthorization'), ...clientAuthenticated },
      },
    },
    '/oauth/par': {
      post: {
        operationId: 'pushAuthorizationRequest',
        summary: 'RFC 9126 pushed authorization request: a one-time request_uri for GET /oauth/authorize',
        security: clientOrNone,
        requestBody: form('PushedAuthorizationRequest'),
        responses: {
          '201': json('RFC 9126 §2.2: the reference and its lifetime', 'PushedAuthorizationResponse'),
          ...clientAuthenticated,
        },
      },
    },
    '/oauth/logout': {
      get: {
        operationId: 'endSession',
        summary: 'OpenID Connect RP-Initiated Logout',
        description:
          'Ends the browser session: at once with an `id_token_hint` issued in it, otherwise after the person ' +
          'confirms. Returns only to a `post_logout_redirect_uri` the client registered (with `state`).',
        parameters: ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales'].map((name) => ({
          name,
          in: 'query',
          required: false,
          schema: { type: 'string' } as JsonSchema,
        })),
        responses: {
          '200': page('The confirmation page, or the signed-out page'),
          '302': redirect('Signed out: back to the registered post_logout_redirect_uri'),
          '400': page('A refused request (unknown client or hint, unregistered return URI); never redirected'),
          '503': page('temporarily_unavailable'),
        },
      },
      post: {
        operationId: 'endSessionPost',
        summary: 'OpenID Connect RP-Initiated Logout, the parameters in a form',
        requestBody: { content: { [FORM]: { schema: { type: 'object' } } } },
        responses: {
          '200': page('The confirmation page, or the signed-out page'),
          '303': redirect('Signed out: back to the registered post_logout_redirect_uri'),
          '400': page('A refused request; never redirected'),
          '503': page('temporarily_unavailable'),
        },
      },
    },
    '/device': {
      get: { operationId: 'devicePage', summary: 'Enter the user code', responses: { '200': page('The page') } },
      post: {
        operationId: 'deviceVerification',
        summary: 'Sign in, then allow or deny the device',
        requestBody: { content: { [FORM]: { schema: { type: 'object' } } } },
        responses: {
          '200': page('The next step or the outcome'),
          '400': page('A refused form'),
          '403': page('The form’s anti-forgery token is missing or expired'),
          '413': page('The form is over 4 KiB'),
          '303': redirect('The next step'),
        },
      },
    },
    '/oauth/introspect': {
      post: {
        operationId: 'introspect',
        summary: 'RFC 7662; the caller authenticates as a registered client',
        description:
          'With `Accept: application/token-introspection+jwt` the answer is a JWT signed with a key of the JWKS ' +
          '(RFC 9701): `typ` token-introspection+jwt, claims `iss`, `aud` (the calling client), `iat` and ' +
          '`token_introspection` (the JSON answer). Only an authenticated caller gets one.',
        security: clientOrNone,
        requestBody: form('TokenParameter'),
        responses: {
          '200': {
            description: 'Active with the claims, or inactive; as JSON, or as a signed JWT when asked for',
            content: {
              [JSON_TYPE]: { schema: ref('Introspection') },
              [INTROSPECTION_JWT]: { schema: { type: 'string', description: 'A compact JWS (RFC 9701 §5)' } },
            },
          },
          ...clientAuthenticated,
        },
      },
    },
    '/oauth/revoke': {
      post: {
        operationId: 'revoke',
        summary: 'RFC 7009; also answered for an unknown token',
        security: clientOrNone,
        requestBody: form('TokenParameter'),
        responses: { '200': json('Revoked, or nothing to revoke (RFC 7009 §2.2)', 'Revoked'), ...clientAuthenticated },
      },
    },
    '/api/user': {
      get: {
        operationId: 'user',
        summary: 'The user behind the access token (RFC 6750, RFC 9449)',
        security: bearer,
        responses: { '200': json('The user', 'User'), ...tokenProtected, '403': oauthError('insufficient_scope') },
      },
    },
    '/userinfo': {
      get: {
        operationId: 'userInfo',
        summary: 'OpenID Connect UserInfo (Core §5.3): claims about the person behind an openid access token',
        security: bearer,
        responses: {
          '200': json('The claims', 'UserInfo'),
          ...tokenProtected,
          '403': oauthError('insufficient_scope'),
        },
      },
      post: {
        operationId: 'userInfoByPost',
        summary: 'The same, the token also accepted as the form parameter access_token (RFC 6750 §2.2)',
        security: bearer,
        requestBody: {
          required: false,
          content: { [FORM]: { schema: { type: 'object', properties: { access_token: { type: 'string' } } } } },
        },
        responses: {
          '200': json('The claims', 'UserInfo'),
          ...tokenProtected,
          '403': oauthError('insufficient_scope'),
        },
      },
    },
    '/oauth/personal-access-tokens': {
      get: {
        operationId: 'listPersonalAccessTokens',
        security: bearer,
        responses: {
          '200': json('Unexpired tokens, revoked ones marked', 'PersonalAccessTokenList'),
          ...tokenProtected,
          '403': oauthError('insufficient_scope'),
        },
      },
      post: {
        operationId: 'createPersonalAccessToken',
        security: bearer,
        requestBody: { required: true, content: { [JSON_TYPE]: { schema: ref('PersonalAccessTokenCreation') } } },
        responses: {
          '201': json('The token, shown this once', 'CreatedPersonalAccessToken'),
          ...tokenProtected,
          '415': oauthError('The body is not application/json'),
          '403': oauthError('insufficient_scope'),
        },
      },
    },
    '/oauth/personal-access-tokens/{id}': {
      delete: {
        operationId: 'revokePersonalAccessToken',
        security: bearer,
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } },
        ],
        responses: {
          '204': empty('Revoked, also when it already was'),
          '404': json('Not the caller’s, expired or unknown', 'NotFound'),
          ...tokenProtected,
          '403': oauthError('insufficient_scope'),
        },
      },
    },
    '/.well-known/oauth-authorization-server': {
      get: {
        operationId: 'serverMetadata',
        responses: { '200': json('RFC 8414 §3.2', 'ServerMetadata'), '503': common['503'] },
      },
    },
    '/.well-known/openid-configuration': {
      get: {
        operationId: 'openIdProviderMetadata',
        responses: {
          '200': json('OpenID Connect Discovery §4.2', 'OpenIdProviderMetadata'),
          '503': common['503'],
        },
      },
    },
    '/.well-known/oauth-protected-resource': {
      get: {
        operationId: 'protectedResourceMetadata',
        summary: 'How to get a token for this API: /api/user, /userinfo and the personal access token endpoints',
        responses: { '200': json('RFC 9728 §3.2', 'ProtectedResourceMetadata') },
      },
    },
    '/.well-known/jwks.json': {
      get: { operationId: 'jwks', responses: { '200': json('Public signing keys (RFC 7517)', 'JsonWebKeySet') } },
    },
    '/.well-known/openapi.json': {
      get: {
        operationId: 'openapi',
        responses: {
          '200': { description: 'This document', content: { [JSON_TYPE]: { schema: { type: 'object' } } } },
        },
      },
    },
    '/healthz': { get: { operationId: 'health', responses: { '200': json('Alive', 'Probe') } } },
    '/readyz': {
      get: {
        operationId: 'ready',
        responses: { '200': json('Ready', 'Probe'), '503': json('Not ready, or draining', 'Probe') },
      },
    },
  };
}
