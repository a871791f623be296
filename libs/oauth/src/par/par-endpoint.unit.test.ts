import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import {
  formRequest,
  generateP256Key,
  oauthFixture,
  pkcePair,
  respond,
  TEST_ISSUER,
  type OAuthFixture,
} from '@grantline/lib-testing';
import type { OAuthResponse } from '../http-types';
import { metadataEndpoint } from '../metadata';
import { pushedAuthorizationEndpoint } from './par-endpoint';
import { openPushedRequest, REQUEST_URI_PREFIX } from './pushed-request';

const REDIRECT = 'https://app.test/cb';
const PAR_URL = `${TEST_ISSUER}/oauth/par`;

describe('POST /oauth/par (RFC 9126 §2)', () => {
  let fixture: OAuthFixture;
  let secret: string;
  const { challenge } = pkcePair();
  const authorization = (extra: Record<string, string> = {}) => ({
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'read',
    state: 'st-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  const basic = (clientId: string, password: string) => ({
    authorization: `Basic ${Buffer.from(`${clientId}:${password}`).toString('base64')}`,
  });
  const push = (params: Record<string, string> | string, headers: Record<string, string> = {}) =>
    respond(fixture.context, pushedAuthorizationEndpoint, formRequest(params, headers));
  const body = (response: OAuthResponse) => response.body as Record<string, unknown>;

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerClient({
      client_id: 'spa',
      name: 'SPA',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'openid read write',
      redirect_uris: [REDIRECT],
    });
    ({ secret = '' } = await fixture.registerClient({
      client_id: 'web',
      name: 'Web',
      grant_types: ['authorization_code'],
      scopes: 'read',
      redirect_uris: [REDIRECT],
    }));
  });

  it('answers 201 with a request_uri and its lifetime for a public client that sends client_id alone', async () => {
    const response = await push(authorization({ client_id: 'spa' }));
    expect(response.status).toBe(201);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(body(response)).toEqual({
      request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:/),
      expires_in: 60,
    });
    const requestUri = String(body(response).request_uri);
    // docs/decisions/0042: the sealed request stays a size any URL can carry.
    expect(requestUri.length).toBeLessThan(1_000);
    const pushed = await openPushedRequest(fixture.context, requestUri);
    expect(pushed).toMatchObject({ clientId: 'spa' });
    expect(Object.fromEntries(new URLSearchParams(pushed?.query))).toEqual({ ...authorization(), client_id: 'spa' });
  });

  it('authenticates a confidential client with HTTP Basic and seals none of its credentials', async () => {
    const response = await push(authorization(), basic('web', secret));
    expect(response.status).toBe(201);
    const pushed = await openPushedRequest(fixture.context, String(body(response).request_uri));
    expect(pushed?.query).toContain('client_id=web');
    expect(pushed?.query).not.toContain(secret);
    const posted = await push(authorization({ client_id: 'web', client_secret: secret }));
    const sealed = await openPushedRequest(fixture.context, String(body(posted).request_uri));
    expect(sealed?.query).not.toContain('client_secret');
  });

  it('keeps the OpenID Connect parameters of an authentication request, and checks them at the push', async () => {
    const openid = {
      scope: 'openid read',
      nonce: 'n-1',
      max_age: '60',
      prompt: 'login consent',
      response_mode: 'form_post',
      login_hint: 'ada@example.test',
      acr_values: 'urn:x',
      claims: '{"id_token":{"email":null}}',
    };
    const response = await push(authorization({ client_id: 'spa', ...openid }));
    expect(response.status).toBe(201);
    const pushed = await openPushedRequest(fixture.context, String(body(response).request_uri));
    expect(Object.fromEntries(new URLSearchParams(pushed?.query))).toMatchObject(openid);
    const refused = await push(authorization({ client_id: 'spa', scope: 'openid', max_age: 'soon' }));
    expect(refused.status).toBe(400);
    expect(body(refused)).toMatchObject({ error: 'invalid_request' });
  });

  it('hands out a different reference for every push', async () => {
    const first = body(await push(authorization({ client_id: 'spa' }))).request_uri;
    const second = body(await push(authorization({ client_id: 'spa' }))).request_uri;
    expect(first).not.toBe(second);
  });

  it.each([
    ['a wrong secret', authorization(), basic('web', 'not-the-secret'), 401, 'invalid_client'],
    ['a confidential client without its secret', authorization({ client_id: 'web' }), {}, 401, 'invalid_client'],
    ['no client at all', authorization(), {}, 401, 'invalid_client'],
    ['an unknown client', authorization({ client_id: 'nobody' }), {}, 401, 'invalid_client'],
    [
      'an unregistered redirect_uri',
      authorization({ client_id: 'spa', redirect_uri: 'https://evil.test/cb' }),
      {},
      400,
      'invalid_request',
    ],
    ['no code_challenge', authorization({ client_id: 'spa', code_challenge: '' }), {}, 400, 'invalid_request'],
    ['plain PKCE', authorization({ client_id: 'spa', code_challenge_method: 'plain' }), {}, 400, 'invalid_request'],
    [
      'another response_type',
      authorization({ client_id: 'spa', response_type: 'token' }),
      {},
      400,
      'unsupported_response_type',
    ],
    ['a scope the client may not have', authorization({ client_id: 'spa', scope: 'admin' }), {}, 400, 'invalid_scope'],
    [
      'an unknown resource',
      authorization({ client_id: 'spa', resource: 'https://unknown.test/' }),
      {},
      400,
      'invalid_target',
    ],
    [
      'a request_uri (RFC 9126 §2.1)',
      authorization({ client_id: 'spa', request_uri: `${REQUEST_URI_PREFIX}x` }),
      {},
      400,
      'invalid_request',
    ],
    [
      'a request object (RFC 9101)',
      authorization({ client_id: 'spa', request: 'eyJhbGciOiJub25lIn0.e30.' }),
      {},
      400,
      'request_not_supported',
    ],
    ['a malformed dpop_jkt', authorization({ client_id: 'spa', dpop_jkt: 'short' }), {}, 400, 'invalid_request'],
  ])('refuses %s with JSON and records nothing', async (_case, params, headers, status, error) => {
    const before = fixture.log.events.length;
    const response = await push(params, headers);
    expect(response.status).toBe(status);
    expect(body(response)).toMatchObject({ error });
    expect(body(response)).not.toHaveProperty('request_uri');
    expect(fixture.log.events.length).toBe(before);
  });

  it('refuses a client that may not use the code flow with unauthorized_client', async () => {
    const service = await fixture.registerClient({
      client_id: 'svc2',
      name: 'Service',
      scopes: 'read',
      redirect_uris: [REDIRECT],
    });
    const response = await push(authorization(), basic('svc2', service.secret ?? ''));
    expect(response.status).toBe(400);
    expect(body(response)).toMatchObject({ error: 'unauthorized_client' });
  });

  it('refuses repeated parameters', async () => {
    const form = `${new URLSearchParams(authorization({ client_id: 'spa' }))}&state=again`;
    expect(body(await push(form))).toMatchObject({ error: 'invalid_request' });
  });

  describe('DPoP (RFC 9449 §10.1)', () => {
    const key = generateP256Key();
    let jkt: string;
    const now = () => Math.floor(fixture.clock.now().getTime() / 1000);
    const proof = (claims: Record<string, unknown> = {}) =>
      new SignJWT({ jti: randomBytes(12).toString('base64url'), htm: 'POST', htu: PAR_URL, iat: now(), ...claims })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk as JWK })
        .sign(key.privateKey);

    beforeAll(async () => {
      jkt = await calculateJwkThumbprint(key.publicJwk as JWK, 'sha256');
    });

    it('binds the pushed request to the key of a proof sent with the push', async () => {
      const response = await push(authorization({ client_id: 'spa' }), { DPoP: await proof() });
      expect(response.status).toBe(201);
      const pushed = await openPushedRequest(fixture.context, String(body(response).request_uri));
      expect(new URLSearchParams(pushed?.query).get('dpop_jkt')).toBe(jkt);
    });

    it('accepts a dpop_jkt that names the proof key', async () => {
      const response = await push(authorization({ client_id: 'spa', dpop_jkt: jkt }), { DPoP: await proof() });
      expect(response.status).toBe(201);
    });

    it('refuses a dpop_jkt that names another key than the proof', async () => {
      const response = await push(authorization({ client_id: 'spa', dpop_jkt: 'A'.repeat(43) }), {
        DPoP: await proof(),
      });
      expect(response.status).toBe(400);
      expect(body(response)).toMatchObject({ error: 'invalid_dpop_proof' });
    });

    it('refuses a proof made for another endpoint', async () => {
      const response = await push(authorization({ client_id: 'spa' }), {
        DPoP: await proof({ htu: `${TEST_ISSUER}/oauth/token` }),
      });
      expect(body(response)).toMatchObject({ error: 'invalid_dpop_proof' });
    });
  });

  describe('settings', () => {
    it('answers the configured lifetime', async () => {
      fixture = await oauthFixture({ par: { ttlSeconds: 30, required: false } });
      await fixture.registerClient({
        client_id: 'spa',
        name: 'SPA',
        public: true,
        grant_types: ['authorization_code'],
        scopes: 'read',
        redirect_uris: [REDIRECT],
      });
      expect(body(await push(authorization({ client_id: 'spa' })))).toMatchObject({ expires_in: 30 });
    });

    it.each([false, true])(
      'names the endpoint in the metadata, with require_pushed_authorization_requests %s',
      async (required) => {
        fixture = await oauthFixture({ par: { ttlSeconds: 60, required } });
        expect((await metadataEndpoint(fixture.context)).body).toMatchObject({
          pushed_authorization_request_endpoint: PAR_URL,
          require_pushed_authorization_requests: required,
        });
      },
    );
  });
});
