import { clientFromMetadataDocument } from './metadata-document';

const URL_ID = 'https://app.example.com/oauth/client.json';
const SHA = 'q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c';
const fetched = { sha256: SHA, fetchedAt: 1_767_225_600 };
const policy = { scopes: ['read', 'write'], openid: { algorithms: ['ES256', 'RS256'], pairwiseSalt: 'salt' } };
const jwk = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

const minimal = { client_id: URL_ID, redirect_uris: ['https://app.example.com/callback'] };
const check = (document: Record<string, unknown>) => clientFromMetadataDocument(URL_ID, document, fetched, policy);

describe('a client ID metadata document as a client', () => {
  it('makes a public client that is never first-party, named by the host when it gives no name', () => {
    const result = check(minimal);
    expect(result).toMatchObject({
      ok: true,
      client: {
        clientId: URL_ID,
        name: 'app.example.com',
        public: true,
        secretHash: null,
        firstParty: false,
        grantTypes: ['authorization_code'],
        scopes: ['read', 'write'],
        redirectUris: ['https://app.example.com/callback'],
        webOrigins: [],
        jwks: null,
        jwksUri: null,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
      origin: { sha256: SHA, host: 'app.example.com' },
    });
  });

  it('keeps the name, the grant types, loopback and private-use redirects, and narrows the scopes to its scope', () => {
    const result = check({
      ...minimal,
      client_name: 'Editor',
      client_uri: 'https://app.example.com',
      logo_uri: 'https://app.example.com/logo.png',
      redirect_uris: ['http://127.0.0.1/callback', 'com.example.app:/oauth'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      scope: 'read admin',
      software_id: 'ignored-extension',
    });
    expect(result).toMatchObject({
      ok: true,
      client: { name: 'Editor', grantTypes: ['authorization_code', 'refresh_token'], scopes: ['read'] },
    });
  });

  it.each([
    ['a jwks_uri', { jwks_uri: 'https://app.example.com/jwks.json' }, { jwksUri: 'https://app.example.com/jwks.json' }],
    ['a jwks', { jwks: { keys: [jwk] } }, { jwks: { keys: [jwk] } }],
  ])('makes a private_key_jwt client with %s', (_, keys, expected) => {
    expect(check({ ...minimal, token_endpoint_auth_method: 'private_key_jwt', ...keys })).toMatchObject({
      ok: true,
      client: { public: false, secretHash: null, ...expected },
    });
  });

  it.each([
    ['another client_id', { client_id: 'https://evil.example/oauth/client.json' }, 'client_id is not the URL'],
    ['a client_id differing by a slash', { client_id: `${URL_ID}/` }, 'client_id is not the URL'],
    ['no client_id', { client_id: undefined }, 'client_id'],
    ['no redirect_uris', { redirect_uris: undefined }, 'redirect_uris'],
    ['empty redirect_uris', { redirect_uris: [] }, 'redirect_uris'],
    ['an http redirect', { redirect_uris: ['http://app.example.com/cb'] }, 'cannot be used'],
    ['a javascript: redirect', { redirect_uris: ['javascript:alert(1)'] }, 'cannot be used'],
    ['a redirect with a fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'cannot be used'],
    ['a relative redirect', { redirect_uris: ['/cb'] }, 'cannot be used'],
    ['client_secret_basic', { token_endpoint_auth_method: 'client_secret_basic' }, 'shared secret'],
    ['client_secret_post', { token_endpoint_auth_method: 'client_secret_post' }, 'shared secret'],
    ['a client_secret', { client_secret: 's3cret' }, 'client_secret'],
    ['the device grant', { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] }, 'grant_types'],
    ['client_credentials', { grant_types: ['authorization_code', 'client_credentials'] }, 'grant_types'],
    ['refresh_token alone', { grant_types: ['refresh_token'] }, 'authorization_code'],
    ['a token response type', { response_types: ['token'] }, 'response_types'],
    ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }, 'needs jwks_uri'],
    [
      'private_key_jwt with both',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, jwks_uri: 'https://a.example/j' },
      'not both',
    ],
    ['keys without private_key_jwt', { jwks_uri: 'https://app.example.com/jwks.json' }, 'has no keys'],
    ['an http jwks_uri', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://a.example/j' }, 'https'],
    [
      'a private key in jwks',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...jwk, d: 'x' }] } },
      'public keys',
    ],
    ['an http logo_uri', { logo_uri: 'http://app.example.com/logo.png' }, 'https'],
    ['an empty client_name', { client_name: '  ' }, 'client_name'],
    ['a malformed scope', { scope: 'read "write"' }, 'scope'],
  ])('refuses a document with %s', (_, change, problem) => {
    const result = check({ ...minimal, ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(problem);
  });

  it.each([null, 'text', 42, [minimal]])('refuses a body that is not an object: %j', (body) => {
    expect(clientFromMetadataDocument(URL_ID, body, fetched, policy).ok).toBe(false);
  });
});

describe('OpenID Connect metadata in a client ID metadata document', () => {
  it('reads the same members as a registration', () => {
    const result = check({
      ...minimal,
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
      post_logout_redirect_uris: ['https://app.example.com/signed-out'],
      backchannel_logout_uri: 'https://app.example.com/backchannel',
      backchannel_logout_session_required: true,
      default_max_age: 300,
      require_auth_time: true,
    });
    expect(result).toMatchObject({
      ok: true,
      client: {
        openid: {
          idTokenSignedResponseAlg: 'ES256',
          subjectType: 'pairwise',
          sectorIdentifierHost: null,
          postLogoutRedirectUris: ['https://app.example.com/signed-out'],
          backchannelLogoutUri: 'https://app.example.com/backchannel',
          backchannelLogoutSessionRequired: true,
          defaultMaxAge: 300,
          requireAuthTime: true,
          endGrantsWithSession: true,
        },
      },
    });
  });

  it('leaves sector_identifier_uri aside: a pairwise client is the one host of its redirect URIs', () => {
    const across = {
      ...minimal,
      redirect_uris: ['https://app.example.com/cb', 'https://other.example.com/cb'],
      subject_type: 'pairwise',
      sector_identifier_uri: 'https://app.example.com/sector.json',
    };
    expect(check(across)).toEqual({ ok: false, problem: expect.stringContaining('sector') });
  });

  it.each([
    ['an unknown algorithm', { id_token_signed_response_alg: 'HS256' }],
    ['an unknown subject type', { subject_type: 'anonymous' }],
    ['a post-logout redirect over http', { post_logout_redirect_uris: ['http://app.example.com/bye'] }],
    ['a back-channel URI over http', { backchannel_logout_uri: 'http://app.example.com/bc' }],
    ['sid required without a back-channel URI', { backchannel_logout_session_required: true }],
  ])('refuses %s', (_name, members) => {
    expect(check({ ...minimal, ...members })).toMatchObject({ ok: false });
  });

  it('refuses pairwise subjects when the server has no salt', () => {
    const unsalted = { ...policy, openid: { ...policy.openid, pairwiseSalt: null } };
    const result = clientFromMetadataDocument(URL_ID, { ...minimal, subject_type: 'pairwise' }, fetched, unsalted);
    expect(result).toEqual({ ok: false, problem: expect.stringContaining('pairwise') });
  });
});
