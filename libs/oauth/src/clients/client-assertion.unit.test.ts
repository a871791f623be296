import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import {
  assertionForm,
  basicAuth,
  clientKeyPair,
  formRequest,
  MemoryFetcher,
  oauthFixture,
  respond,
  signClientAssertion,
  TEST_ISSUER,
  type AssertionClaims,
  type OAuthFixture,
} from '@grantline/lib-testing';
import { introspectionEndpoint } from '../introspection-endpoint';
import { tokenEndpoint } from '../token-endpoint';

const CLIENT = 'pk-client';
const TOKEN_URL = `${TEST_ISSUER}/oauth/token`;

describe('private_key_jwt client authentication (RFC 7523 §2.2)', () => {
  let fixture: OAuthFixture;
  const key = clientKeyPair('key-1');
  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);
  const claims = (overrides: Partial<AssertionClaims> = {}): AssertionClaims => ({
    clientId: CLIENT,
    audience: TEST_ISSUER,
    now: now(),
    ...overrides,
  });
  const token = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    respond(fixture.context, tokenEndpoint, formRequest({ grant_type: 'client_credentials', ...fields }, headers));
  const withAssertion = async (overrides: Partial<AssertionClaims> = {}) =>
    token(assertionForm(await signClientAssertion(key, claims(overrides))));

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerClient({
      name: 'pk',
      client_id: CLIENT,
      scopes: 'read',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: key.jwks,
    });
    await fixture.registerClient({ name: 'secret', client_id: 'secret-client', client_secret: 'secret-secret-1' });
  });

  it('issues a token for an assertion signed by a registered key', async () => {
    const response = await withAssertion();
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
  });

  it.each([
    ['the issuer', TEST_ISSUER],
    ['the token endpoint URL', TOKEN_URL],
    ['a list holding the token endpoint URL', ['https://elsewhere.test', TOKEN_URL]],
  ])('accepts %s as the audience', async (_name, audience) => {
    expect((await withAssertion({ audience })).status).toBe(200);
  });

  it('accepts a matching client_id in the body, and an assertion without kid', async () => {
    const assertion = await signClientAssertion(key, claims({ kid: null }));
    expect((await token({ ...assertionForm(assertion), client_id: CLIENT })).status).toBe(200);
  });

  it.each<[string, Partial<AssertionClaims>]>([
    ['expired', { now: 1_000, lifetimeSeconds: 60 }],
    ['living too long', { lifetimeSeconds: 3600 }],
    ['for another audience', { audience: 'https://other.test' }],
    ['for another endpoint of ours', { audience: `${TEST_ISSUER}/oauth/revoke` }],
    ['issued by someone else', { iss: 'other-client' }],
    ['naming an unknown kid', { kid: 'key-2' }],
    ['not yet valid', { extra: { nbf: 4_000_000_000 } }],
    ['issued in the future', { extra: { iat: 4_000_000_000 } }],
    ['without exp', { extra: { exp: undefined } }],
    ['without jti', { extra: { jti: undefined } }],
  ])('refuses an assertion %s as invalid_client', async (_name, overrides) => {
    const response = await withAssertion(overrides);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
  });

  it('refuses an assertion signed by another key with the registered kid', async () => {
    const other = clientKeyPair('key-1');
    const response = await token(assertionForm(await signClientAssertion(other, claims())));
    expect(response.body).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses HS256 (even keyed with the public key) and unsigned assertions', async () => {
    const payload = { iss: CLIENT, sub: CLIENT, aud: TEST_ISSUER, exp: now() + 60, jti: 'x1' };
    const hmac = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .sign(new TextEncoder().encode(JSON.stringify(key.jwks.keys[0])));
    const unsigned = new UnsecuredJWT(payload).encode();
    for (const assertion of [hmac, unsigned]) {
      expect((await token(assertionForm(assertion))).body).toMatchObject({ error: 'invalid_client' });
    }
  });

  it('refuses an RSA key presented as an EC key set member', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const assertion = await signClientAssertion(privateKey, claims({ alg: 'RS256', kid: 'key-1' }));
    expect((await token(assertionForm(assertion))).body).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a replayed assertion, and an assertion claims nothing until it verifies', async () => {
    const assertion = await signClientAssertion(key, claims({ jti: 'once' }));
    // A forged assertion with the same jti must not burn it.
    const forged = await signClientAssertion(clientKeyPair('key-1'), claims({ jti: 'once' }));
    expect((await token(assertionForm(forged))).status).toBe(401);
    expect((await token(assertionForm(assertion))).status).toBe(200);
    expect((await token(assertionForm(assertion))).body).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a replay through another replica that shares the guard store', async () => {
    const other = await oauthFixture();
    other.context.guards = fixture.context.guards;
    await other.registerClient({
      name: 'pk',
      client_id: CLIENT,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: key.jwks,
    });
    const form = assertionForm(await signClientAssertion(key, claims()));
    expect((await token(form)).status).toBe(200);
    const replayed = await respond(
      other.context,
      tokenEndpoint,
      formRequest({ grant_type: 'client_credentials', ...form }),
    );
    expect(replayed.body).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an assertion from a client registered with a secret, and a secret from a key client', async () => {
    const assertion = await signClientAssertion(key, claims({ clientId: 'secret-client' }));
    expect((await token(assertionForm(assertion))).body).toMatchObject({ error: 'invalid_client' });
    expect((await token({ client_id: CLIENT, client_secret: 'anything-at-all' })).body).toMatchObject({
      error: 'invalid_client',
    });
  });

  it.each<[string, Record<string, string>, Record<string, string>]>([
    ['an assertion and HTTP Basic', {}, { authorization: basicAuth(CLIENT, 'x') }],
    ['an assertion and client_secret', { client_secret: 'x' }, {}],
  ])('refuses %s as invalid_request (RFC 6749 §2.3)', async (_name, fields, headers) => {
    const assertion = await signClientAssertion(key, claims());
    const response = await token({ ...assertionForm(assertion), ...fields }, headers);
    expect(response.body).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses an assertion without its type as invalid_request, another type as invalid_client', async () => {
    const assertion = await signClientAssertion(key, claims());
    expect((await token({ client_assertion: assertion })).body).toMatchObject({ error: 'invalid_request' });
    const saml = {
      client_assertion: assertion,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
    };
    expect((await token(saml)).body).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a body client_id that differs from the assertion sub, and a non-JWT', async () => {
    const assertion = await signClientAssertion(key, claims());
    expect((await token({ ...assertionForm(assertion), client_id: 'secret-client' })).status).toBe(401);
    expect((await token(assertionForm('not.a.jwt'))).status).toBe(401);
  });

  it('records nothing for a refused assertion', async () => {
    const before = fixture.log.events.length;
    await withAssertion({ audience: 'https://other.test' });
    expect(fixture.log.events.length).toBe(before);
  });

  it('authenticates introspection callers with an assertion for the introspection endpoint', async () => {
    const issued = (await withAssertion()).body as { access_token: string };
    const assertion = await signClientAssertion(key, claims({ audience: `${TEST_ISSUER}/oauth/introspect` }));
    const response = await respond(
      fixture.context,
      introspectionEndpoint,
      formRequest({ token: issued.access_token, ...assertionForm(assertion) }),
    );
    expect(response.body).toMatchObject({ active: true, client_id: CLIENT });
  });

  it('verifies with keys fetched from jwks_uri, fetching again when the client rotates to a new kid', async () => {
    const uri = 'https://keys.client.test/jwks.json';
    const fetcher = new MemoryFetcher().serve(uri, key.jwks, 600);
    fixture.context.fetcher = fetcher;
    await fixture.registerClient({
      name: 'remote',
      client_id: 'remote',
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: uri,
    });
    expect((await withAssertion({ clientId: 'remote' })).status).toBe(200);
    const rotated = clientKeyPair('key-2');
    fetcher.serve(uri, rotated.jwks, 600);
    fixture.clock.advance(61);
    const response = await token(assertionForm(await signClientAssertion(rotated, claims({ clientId: 'remote' }))));
    expect(response.status).toBe(200);
    expect(fetcher.fetched).toEqual([uri, uri]);
  });
});
