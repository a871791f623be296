import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { openApiDocument } from '@grantline/lib-oauth';
import { FormBrowser, obtainTokens } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { driftOf } from '../support/openapi-conformance';
import { GrantlineTestClient } from '../support/oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
const PASSWORD = 'correct horse battery staple';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-openapi-'));
let server: EmbeddedServer;
let machine: { client_id: string; client_secret: string };
let tv: string;
let userToken: string;

const form = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
const get = (path: string, token?: string) =>
  fetch(`${server.url}${path}`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
const basic = (id: string, secret: string) => ({
  Authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
});
const pat = (method: string, path = '', token = userToken, body?: unknown) =>
  fetch(`${server.url}/oauth/personal-access-tokens${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const clientCredentials = () =>
  form('/oauth/token', { grant_type: 'client_credentials' }, basic(machine.client_id, machine.client_secret));

/** Asserts the answer is documented: its status, content type and body (a clone is checked). */
async function documented(method: string, path: string, response: Response, status: number): Promise<Response> {
  expect(await driftOf(method, path, response.clone())).toEqual([]);
  expect(response.status).toBe(status);
  return response;
}

beforeAll(async () => {
  server = await startEmbeddedServer(
    loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }),
    createLogger('openapi-test', 'silent'),
  );
  const admin = new GrantlineTestClient(server.url, server.adminToken);
  machine = await admin.registerClient({
    name: 'OpenAPI machine',
    grant_types: ['client_credentials'],
    scopes: 'read',
  });
  tv = (await admin.registerClient({ name: 'OpenAPI TV', public: true, grant_types: [DEVICE_CODE], scopes: 'read' }))
    .client_id;
  const spa = (
    await admin.registerClient({
      name: 'OpenAPI SPA',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read personal-access-tokens',
      redirect_uris: [REDIRECT],
    })
  ).client_id;
  const email = `openapi.${randomBytes(4).toString('hex')}@example.test`;
  await admin.registerUser({ email, name: 'Open Api', password: PASSWORD });
  const browser = new FormBrowser(server.url);
  userToken = (
    await obtainTokens(browser, {
      clientId: spa,
      redirectUri: REDIRECT,
      email,
      password: PASSWORD,
      scope: 'read personal-access-tokens',
    })
  ).access_token;
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: the answers are the ones the OpenAPI description documents', () => {
  it('serves the description itself, cacheable', async () => {
    const response = await documented('get', '/.well-known/openapi.json', await get('/.well-known/openapi.json'), 200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await response.json()).toEqual(openApiDocument());
  });

  it('discovery documents and probes', async () => {
    await documented(
      'get',
      '/.well-known/oauth-authorization-server',
      await get('/.well-known/oauth-authorization-server'),
      200,
    );
    await documented('get', '/.well-known/jwks.json', await get('/.well-known/jwks.json'), 200);
    await documented(
      'get',
      '/.well-known/oauth-protected-resource',
      await get('/.well-known/oauth-protected-resource'),
      200,
    );
    await documented('get', '/healthz', await get('/healthz'), 200);
    await documented('get', '/readyz', await get('/readyz'), 200);
  });

  it('token: issued, invalid_client, invalid_grant, unsupported_grant_type', async () => {
    await documented('post', '/oauth/token', await clientCredentials(), 200);
    const wrongSecret = basic(machine.client_id, 'not-the-secret');
    await documented(
      'post',
      '/oauth/token',
      await form('/oauth/token', { grant_type: 'client_credentials' }, wrongSecret),
      401,
    );
    const code = {
      grant_type: 'authorization_code',
      code: 'no-such-code',
      redirect_uri: REDIRECT,
      code_verifier: 'x'.repeat(43),
    };
    const refused = basic(machine.client_id, machine.client_secret);
    expect([400]).toContain(
      (await documented('post', '/oauth/token', await form('/oauth/token', code, refused), 400)).status,
    );
    await documented('post', '/oauth/token', await form('/oauth/token', { grant_type: 'password' }, refused), 400);
  });

  it('a body over 16 KiB is refused before any grant reads it', async () => {
    const big = { grant_type: 'client_credentials', scope: 'x'.repeat(17 * 1024) };
    await documented('post', '/oauth/token', await form('/oauth/token', big), 413);
  });

  it('introspection: active, inactive, invalid_client', async () => {
    const { access_token } = (await (await clientCredentials()).json()) as { access_token: string };
    const caller = basic(machine.client_id, machine.client_secret);
    const active = await documented(
      'post',
      '/oauth/introspect',
      await form('/oauth/introspect', { token: access_token }, caller),
      200,
    );
    expect(await active.json()).toMatchObject({ active: true });
    const inactive = await documented(
      'post',
      '/oauth/introspect',
      await form('/oauth/introspect', { token: 'nope' }, caller),
      200,
    );
    expect(await inactive.json()).toEqual({ active: false });
    await documented('post', '/oauth/introspect', await form('/oauth/introspect', { token: access_token }), 401);
    const accept = { Accept: 'application/token-introspection+jwt' };
    const signed = await documented(
      'post',
      '/oauth/introspect',
      await form('/oauth/introspect', { token: access_token }, { ...caller, ...accept }),
      200,
    );
    expect((await signed.text()).split('.')).toHaveLength(3);
    await documented(
      'post',
      '/oauth/introspect',
      await form('/oauth/introspect', { token: access_token }, accept),
      401,
    );
  });

  it('revocation: revoked, and an unknown token alike', async () => {
    const { access_token } = (await (await clientCredentials()).json()) as { access_token: string };
    const caller = basic(machine.client_id, machine.client_secret);
    await documented('post', '/oauth/revoke', await form('/oauth/revoke', { token: access_token }, caller), 200);
    await documented('post', '/oauth/revoke', await form('/oauth/revoke', { token: 'nope' }, caller), 200);
  });

  it('device authorization, then a poll that is still pending', async () => {
    const started = await documented(
      'post',
      '/oauth/device/code',
      await form('/oauth/device/code', { client_id: tv, scope: 'read' }),
      200,
    );
    const { device_code } = (await started.json()) as { device_code: string };
    const poll = await form('/oauth/token', { grant_type: DEVICE_CODE, device_code, client_id: tv });
    await documented('post', '/oauth/token', poll, 400);
    await documented(
      'post',
      '/oauth/device/code',
      await form('/oauth/device/code', { client_id: 'unknown-client' }),
      401,
    );
  });

  it('the user behind a token, and none without one', async () => {
    await documented('get', '/api/user', await get('/api/user', userToken), 200);
    await documented('get', '/api/user', await get('/api/user'), 401);
  });

  it('personal access tokens: create, list, revoke, unknown, refused', async () => {
    const created = await documented(
      'post',
      '/oauth/personal-access-tokens',
      await pat('POST', '', userToken, { name: 'CI', scopes: ['read'] }),
      201,
    );
    const { id } = (await created.json()) as { id: string };
    await documented('post', '/oauth/personal-access-tokens', await pat('POST', '', userToken, { name: 'CI' }), 400);
    await documented('get', '/oauth/personal-access-tokens', await pat('GET'), 200);
    await documented('delete', '/oauth/personal-access-tokens/{id}', await pat('DELETE', `/${id}`), 204);
    await documented('delete', '/oauth/personal-access-tokens/{id}', await pat('DELETE', '/unknown'), 404);
    await documented('get', '/oauth/personal-access-tokens', await pat('GET', '', 'not-a-token'), 401);
  });

  it('personal access tokens: a body that is not JSON', async () => {
    const text = await fetch(`${server.url}/oauth/personal-access-tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${userToken}`, 'Content-Type': 'text/plain' },
      body: 'name=CI',
    });
    await documented('post', '/oauth/personal-access-tokens', text, 415);
  });

  it('the device verification page, and forms it refuses', async () => {
    await documented('get', '/device', await get('/device'), 200);
    await documented('post', '/device', await form('/device', { user_code: 'BCDF-GHJK' }), 403);
    await documented('post', '/device', await form('/device', { user_code: 'B'.repeat(5 * 1024) }), 413);
  });

  it('the authorization endpoint shows an error page for a client it cannot trust', async () => {
    const response = await fetch(`${server.url}/oauth/authorize?response_type=code&client_id=unknown`, {
      redirect: 'manual',
    });
    await documented('get', '/oauth/authorize', response, 400);
  });
});
