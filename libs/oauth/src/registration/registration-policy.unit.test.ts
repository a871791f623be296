import { OAuthError } from '../errors';
import { parseClientMetadata } from './client-metadata';
import { admitMetadata, type RegistrationSettings } from './registration-policy';

const settings: RegistrationSettings = {
  policy: 'open',
  initialAccessTokens: [],
  limitPerHour: 20,
  grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
  authMethods: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  scopes: ['read', 'write'],
  maxRedirectUris: 3,
  defaultApplicationType: 'web',
  idleTtlSeconds: 86_400,
};

const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k1' }] };

/** The RFC 7591 §3.2.2 code a registration with this metadata gets, or 'admitted'. */
function outcome(metadata: Record<string, unknown>, policy: RegistrationSettings = settings): string {
  try {
    admitMetadata(parseClientMetadata(metadata), policy);
    return 'admitted';
  } catch (error) {
    if (error instanceof OAuthError) return error.error;
    throw error;
  }
}

const web = (uri: string) => ({ redirect_uris: [uri] });
const native = (uri: string) => ({ application_type: 'native', redirect_uris: [uri] });

describe('redirect URIs of self-registered clients, by kind (RFC 8252 §7)', () => {
  it.each([
    ['a web app over https', web('https://app.example/cb'), 'admitted'],
    ['a web app over http', web('http://app.example/cb'), 'invalid_redirect_uri'],
    ['a web app on loopback http', web('http://127.0.0.1:8080/cb'), 'invalid_redirect_uri'],
    ['a web app on loopback https', web('https://localhost/cb'), 'invalid_redirect_uri'],
    ['a web app with a private-use scheme', web('com.example.app:/cb'), 'invalid_redirect_uri'],
    ['a web app with a fragment', web('https://app.example/cb#x'), 'invalid_redirect_uri'],
    ['a relative URI', web('/cb'), 'invalid_redirect_uri'],
    ['a native app on 127.0.0.1, any port', native('http://127.0.0.1:49152/cb'), 'admitted'],
    ['a native app on [::1]', native('http://[::1]:8080/cb'), 'admitted'],
    ['a native app on localhost (allowed, not recommended)', native('http://localhost:8080/cb'), 'admitted'],
    ['a native app on another http host', native('http://app.example/cb'), 'invalid_redirect_uri'],
    ['a native app with a reverse-DNS scheme', native('com.example.app:/oauth/cb'), 'admitted'],
    ['a native app with a scheme without a period', native('myapp://oauth/cb'), 'invalid_redirect_uri'],
    ['a native app with a claimed https URL', native('https://app.example/cb'), 'admitted'],
    ['a native app with a fragment', native('com.example.app:/cb#frag'), 'invalid_redirect_uri'],
    ['a javascript: URI', native('javascript:alert(1)'), 'invalid_redirect_uri'],
    ['no redirect URI for the code grant', { redirect_uris: [] }, 'invalid_redirect_uri'],
    [
      'more redirect URIs than allowed',
      { redirect_uris: ['https://a.example/1', 'https://a.example/2', 'https://a.example/3', 'https://a.example/4'] },
      'invalid_redirect_uri',
    ],
  ])('%s: %s', (_name, metadata, expected) => {
    expect(outcome(metadata)).toBe(expected);
  });
});

describe('what a self-registered client may have is policy (RFC 7591 §2)', () => {
  const cb = { redirect_uris: ['https://app.example/cb'] };
  it.each([
    ['no grant types: authorization_code', cb, 'admitted'],
    ['an allowed grant type', { ...cb, grant_types: ['authorization_code', 'refresh_token'] }, 'admitted'],
    [
      'a grant type the policy refuses',
      { ...cb, grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] },
      'invalid_client_metadata',
    ],
    ['a grant type that does not exist', { ...cb, grant_types: ['password'] }, 'invalid_client_metadata'],
    [
      'token exchange',
      { ...cb, grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'] },
      'invalid_client_metadata',
    ],
    ['response type token', { ...cb, response_types: ['token'] }, 'invalid_client_metadata'],
    [
      'response type code without its grant',
      { grant_types: ['client_credentials'], response_types: ['code'] },
      'invalid_client_metadata',
    ],
    ['client_credentials with a secret', { grant_types: ['client_credentials'] }, 'admitted'],
    [
      'client_credentials without authentication',
      { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' },
      'invalid_client_metadata',
    ],
    ['an unknown auth method', { ...cb, token_endpoint_auth_method: 'tls_client_auth' }, 'invalid_client_metadata'],
    ['private_key_jwt with jwks', { ...cb, token_endpoint_auth_method: 'private_key_jwt', jwks }, 'admitted'],
    [
      'private_key_jwt with an https jwks_uri',
      { ...cb, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' },
      'admitted',
    ],
    [
      'private_key_jwt with an http jwks_uri',
      { ...cb, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://app.example/jwks' },
      'invalid_client_metadata',
    ],
    [
      'private_key_jwt without keys',
      { ...cb, token_endpoint_auth_method: 'private_key_jwt' },
      'invalid_client_metadata',
    ],
    [
      'both jwks and jwks_uri',
      { ...cb, token_endpoint_auth_method: 'private_key_jwt', jwks, jwks_uri: 'https://app.example/jwks' },
      'invalid_client_metadata',
    ],
    ['keys with a secret method', { ...cb, jwks }, 'invalid_client_metadata'],
    [
      'a private key in jwks',
      { ...cb, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...jwks.keys[0], d: 'secret' }] } },
      'invalid_client_metadata',
    ],
    ['an offered scope', { ...cb, scope: 'read' }, 'admitted'],
    ['a scope not on offer', { ...cb, scope: 'read admin' }, 'invalid_client_metadata'],
    ['a logo that is not a web page', { ...cb, logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
    ['a software statement', { ...cb, software_statement: 'eyJ.eyJ.sig' }, 'unapproved_software_statement'],
    ['unknown metadata (ignored, RFC 7591 §2)', { ...cb, contacts: ['ops@app.example'], frobnicate: true }, 'admitted'],
    ['an application type that does not exist', { ...cb, application_type: 'tv' }, 'invalid_client_metadata'],
    ['not an object', [], 'invalid_client_metadata'],
  ])('%s', (_name, metadata, expected) => {
    expect(outcome(metadata as Record<string, unknown>)).toBe(expected);
  });

  it("takes a client that names no application_type for the operator's default kind", () => {
    const loopback = { redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' };
    expect(outcome(loopback)).toBe('invalid_redirect_uri');
    expect(outcome(loopback, { ...settings, defaultApplicationType: 'native' })).toBe('admitted');
    expect(outcome({ ...loopback, application_type: 'web' }, { ...settings, defaultApplicationType: 'native' })).toBe(
      'invalid_redirect_uri',
    );
  });

  it('gives a client that asks for no scope every scope on offer', () => {
    const admitted = admitMetadata(parseClientMetadata({ redirect_uris: ['https://app.example/cb'] }), settings);
    expect(admitted).toEqual({
      applicationType: 'web',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      scopes: ['read', 'write'],
      redirectUris: ['https://app.example/cb'],
    });
  });

  it('refuses an auth method the operator does not allow', () => {
    const strict = { ...settings, authMethods: ['private_key_jwt' as const] };
    expect(outcome({ redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'none' }, strict)).toBe(
      'invalid_client_metadata',
    );
  });
});
