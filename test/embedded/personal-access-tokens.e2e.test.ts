import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { repoRoot } from '@grantline/lib-infra';
import { FormBrowser, obtainTokens } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
const PASSWORD = 'correct horse battery staple';
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-pat-'));
let server: EmbeddedServer;
let client: GrantlineTestClient;
let spa: string;
let resourceServer: { client_id: string; client_secret: string };
let ada: { userId: string; email: string };
let adaToken: string;

interface Created {
  id: string;
  access_token: string;
  token_type: string;
  name: string;
  scopes: string[];
  expires_at: string;
}

async function grantline(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot(), 'libs/cli/dist/main.js'), ...args], {
    env: { PATH: process.env.PATH, GRANTLINE_URL: server.url, GRANTLINE_DATA_DIR: dataDir },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

async function newUser(): Promise<{ userId: string; email: string }> {
  const email = `pat.${randomBytes(4).toString('hex')}@example.test`;
  return { userId: (await client.registerUser({ email, name: 'Pat User', password: PASSWORD })).user_id, email };
}

/** A user's access token from the authorization code flow, as the seed's apps get one. */
async function userAccessToken(email: string, scope: string): Promise<string> {
  const browser = new FormBrowser(server.url);
  return (await obtainTokens(browser, { clientId: spa, redirectUri: REDIRECT, email, password: PASSWORD, scope }))
    .access_token;
}

const api = (token: string, method: string, path = '', body?: unknown) =>
  fetch(`${server.url}/oauth/personal-access-tokens${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function createPat(token: string, body: unknown): Promise<Created> {
  const response = await api(token, 'POST', '', body);
  if (response.status !== 201) throw new Error(`creation failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Created;
}

const introspect = (token: string) => client.introspect(token, resourceServer.client_id, resourceServer.client_secret);

beforeAll(async () => {
  server = await startEmbeddedServer(
    loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }),
    createLogger('pat-test', 'silent'),
  );
  client = new GrantlineTestClient(server.url, server.adminToken);
  spa = (
    await client.registerClient({
      name: 'PAT SPA',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read write admin personal-access-tokens',
      redirect_uris: [REDIRECT],
    })
  ).client_id;
  resourceServer = await client.registerClient({ name: 'PAT API', grant_types: ['client_credentials'] });
  ada = await newUser();
  // The SPA is a third-party app: its tokens mint only with the personal-access-tokens scope.
  adaToken = await userAccessToken(ada.email, 'read write personal-access-tokens');
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: personal access tokens over HTTP', () => {
  it('creates one with the seed’s API call, shows the value once, and lists it without it', async () => {
    // The seed's createPersonalAccessToken(name, scopes, expiresIn), verbatim in shape.
    const response = await fetch(`${server.url}/oauth/personal-access-tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adaToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'My API Token', scopes: ['read', 'write'], expires_in: 86400 }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const created = (await response.json()) as Created;
    expect(created).toEqual({
      id: expect.any(String),
      access_token: expect.any(String),
      token_type: 'Bearer',
      name: 'My API Token',
      scopes: ['read', 'write'],
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    const lifetime = Date.parse(created.expires_at) - Date.now();
    expect(lifetime).toBeGreaterThan(86_390_000);
    expect(lifetime).toBeLessThanOrEqual(86_400_000);

    const listed = await api(adaToken, 'GET');
    expect(listed.status).toBe(200);
    const text = await listed.text();
    expect(text).not.toContain(created.access_token);
    expect(JSON.parse(text)).toEqual({
      personal_access_tokens: expect.arrayContaining([
        {
          id: created.id,
          name: 'My API Token',
          scopes: ['read', 'write'],
          created_at: expect.any(String),
          expires_at: created.expires_at,
          revoked: false,
        },
      ]),
    });
  });

  it('introspects active as a personal access token of its user, and works at /api/user', async () => {
    const created = await createPat(adaToken, { name: 'introspected', scopes: 'read' });
    const introspection = await introspect(created.access_token);
    expect(introspection).toMatchObject({
      active: true,
      token_type: 'personal_access_token',
      sub: ada.userId,
      scope: 'read',
      username: ada.email,
      exp: Date.parse(created.expires_at) / 1000,
    });
    expect(introspection).not.toHaveProperty('client_id');
    const me = await client.userInfo(created.access_token);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ sub: ada.userId, email: ada.email });
  });

  it.each([
    ['a scope beyond the user’s token', { name: 'n', scopes: ['read', 'admin'] }, 400, 'invalid_scope'],
    ['a scope nobody offers', { name: 'n', scopes: ['billing'] }, 400, 'invalid_scope'],
    ['a blank name', { name: ' ', scopes: ['read'] }, 400, 'invalid_request'],
    ['a lifetime above the maximum', { name: 'n', scopes: [], expires_in: 400 * 86_400 }, 400, 'invalid_request'],
  ])('refuses %s', async (_label, body, status, error) => {
    const response = await api(adaToken, 'POST', '', body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
  });

  it('answers 401 with a challenge without a token, 415 for a form body, 400 for broken JSON, 405 otherwise', async () => {
    const anonymous = await fetch(`${server.url}/oauth/personal-access-tokens`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm="grantline"/);
    const form = await fetch(`${server.url}/oauth/personal-access-tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adaToken}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=n',
    });
    expect(form.status).toBe(415);
    const broken = await fetch(`${server.url}/oauth/personal-access-tokens`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${adaToken}`, 'Content-Type': 'application/json' },
      body: '{"name":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'invalid_request' });
    expect((await api(adaToken, 'PUT')).status).toBe(405);
  });

  it('refuses a body that repeats a member name, at any depth, without echoing its values', async () => {
    // RFC 7493 §2.3, answered as a repeated form parameter is (RFC 6749 §3.1).
    const post = (body: string) =>
      fetch(`${server.url}/oauth/personal-access-tokens`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adaToken}`, 'Content-Type': 'application/json' },
        body,
      });
    const before = ((await (await api(adaToken, 'GET')).json()) as { personal_access_tokens: unknown[] })
      .personal_access_tokens.length;
    const top = await post('{"name":"first-copy","scopes":["read"],"name":"second-copy"}');
    const nested = await post('{"name":"n","scopes":["read"],"x":{"a":1,"a":2}}');
    const proto = await post('{"name":"n","scopes":["read"],"__proto__":{"expires_in":1}}');
    for (const [response, description] of [
      [top, "JSON member 'name' is repeated"],
      [nested, "JSON member 'a' is repeated"],
      [proto, "JSON member '__proto__' is not allowed"],
    ] as const) {
      expect(response.status).toBe(400);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: 'invalid_request', error_description: description });
      expect(text).not.toMatch(/copy/);
    }
    expect(
      ((await (await api(adaToken, 'GET')).json()) as { personal_access_tokens: unknown[] }).personal_access_tokens,
    ).toHaveLength(before);
  });

  it('refuses a third-party app’s token without personal-access-tokens: 403 naming the scope', async () => {
    const plain = await userAccessToken(ada.email, 'read write');
    const refused = await api(plain, 'POST', '', { name: 'n', scopes: ['read'] });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(refused.headers.get('www-authenticate')).toContain('scope="personal-access-tokens"');
  });

  it('ends a token minted through the app’s grant when its user withdraws consent; an operator’s stays', async () => {
    const user = await newUser();
    const appToken = await userAccessToken(user.email, 'read personal-access-tokens');
    const throughApp = await createPat(appToken, { name: 'through the app', scopes: ['read'] });
    const byOperator = await grantline('pat', 'create', '--user-id', user.userId, '--name', 'op', '--scopes', 'read');
    expect(await introspect(throughApp.access_token)).toMatchObject({ active: true });
    expect((await client.admin('DELETE', `/admin/users/${user.userId}/consents/${spa}`)).status).toBe(204);
    expect(await introspect(throughApp.access_token)).toEqual({ active: false });
    expect((await client.userInfo(throughApp.access_token)).status).toBe(401);
    expect(await introspect(String(byOperator.access_token))).toMatchObject({ active: true });
  });

  it('lets a personal access token mint one only when it carries personal-access-tokens', async () => {
    const narrow = await createPat(adaToken, { name: 'narrow', scopes: ['read'] });
    const refused = await api(narrow.access_token, 'POST', '', { name: 'child', scopes: ['read'] });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(refused.headers.get('www-authenticate')).toContain('scope="personal-access-tokens"');

    const managing = await userAccessToken(ada.email, 'read write personal-access-tokens');
    const minting = await createPat(managing, { name: 'minting', scopes: ['read', 'personal-access-tokens'] });
    const child = await createPat(minting.access_token, { name: 'child', scopes: ['read'] });
    expect(await introspect(child.access_token)).toMatchObject({ active: true, scope: 'read' });
  });

  it("answers 404 for another user's token id, exactly as for an unknown one", async () => {
    const adas = await createPat(adaToken, { name: 'private', scopes: ['read'] });
    const grace = await newUser();
    const graceToken = await userAccessToken(grace.email, 'read');
    for (const id of [adas.id, 'no-such-token']) {
      const response = await api(graceToken, 'DELETE', `/${id}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found' });
    }
    expect(JSON.stringify(await (await api(graceToken, 'GET')).json())).not.toContain(adas.id);
    expect(await introspect(adas.access_token)).toMatchObject({ active: true });
  });

  it('revokes at once: inactive at introspection and 401 at /api/user, shown revoked in the list', async () => {
    const created = await createPat(adaToken, { name: 'revoked', scopes: ['read'] });
    expect((await api(adaToken, 'DELETE', `/${created.id}`)).status).toBe(204);
    expect(await introspect(created.access_token)).toEqual({ active: false });
    expect((await client.userInfo(created.access_token)).status).toBe(401);
    const listed = (await (await api(adaToken, 'GET')).json()) as { personal_access_tokens: Created[] };
    expect(listed.personal_access_tokens).toContainEqual(expect.objectContaining({ id: created.id, revoked: true }));
    expect((await api(adaToken, 'DELETE', `/${created.id}`)).status).toBe(204);
  });

  it('revokes through POST /oauth/revoke by its holder, and the list shows it revoked', async () => {
    const created = await createPat(adaToken, { name: 'self-revoked', scopes: ['read'] });
    expect((await client.revoke(created.access_token)).status).toBe(200);
    expect(await introspect(created.access_token)).toEqual({ active: false });
    const listed = (await (await api(adaToken, 'GET')).json()) as { personal_access_tokens: Created[] };
    expect(listed.personal_access_tokens).toContainEqual(expect.objectContaining({ id: created.id, revoked: true }));
  });

  it('expires after its expires_in', async () => {
    const created = await createPat(adaToken, { name: 'brief', scopes: ['read'], expires_in: 1 });
    const deadline = Date.now() + 5_000;
    let introspection = await introspect(created.access_token);
    while (introspection.active === true && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      introspection = await introspect(created.access_token);
    }
    expect(introspection).toEqual({ active: false });
    expect((await client.userInfo(created.access_token)).status).toBe(401);
    const listed = (await (await api(adaToken, 'GET')).json()) as { personal_access_tokens: Created[] };
    expect(listed.personal_access_tokens.map((token) => token.id)).not.toContain(created.id);
  });
});

describe('embedded: personal access tokens with the grantline CLI', () => {
  it('creates (comma-separated scopes), lists without values and revokes', async () => {
    const user = await newUser();
    const created = await grantline(
      ...['pat', 'create', '--user-id', user.userId, '--name', 'CLI Access Token'],
      ...['--scopes', 'read,write', '--expires-in', '86400'],
    );
    expect(created).toMatchObject({
      id: expect.any(String),
      access_token: expect.any(String),
      scopes: ['read', 'write'],
    });
    const token = String(created.access_token);
    expect(await introspect(token)).toMatchObject({ active: true, sub: user.userId, scope: 'read write' });

    const listed = await grantline('pat', 'list', '--user-id', user.userId);
    expect(listed).toEqual({
      personal_access_tokens: [expect.objectContaining({ id: created.id, name: 'CLI Access Token', revoked: false })],
    });
    expect(JSON.stringify(listed)).not.toContain(token);

    expect(await grantline('pat', 'revoke', String(created.id))).toEqual({ id: created.id, revoked: true });
    expect(await introspect(token)).toEqual({ active: false });
    expect((await client.userInfo(token)).status).toBe(401);
  });

  it("makes a disabled user's token inactive", async () => {
    const user = await newUser();
    const created = await grantline('pat', 'create', '--user-id', user.userId, '--name', 'n', '--scopes', 'read');
    const token = String(created.access_token);
    expect(await introspect(token)).toMatchObject({ active: true });
    expect((await client.admin('POST', `/admin/users/${user.userId}/disable`)).status).toBe(200);
    expect(await introspect(token)).toEqual({ active: false });
    expect((await client.userInfo(token)).status).toBe(401);
  });

  it('refuses an unknown user and a non-numeric lifetime', async () => {
    await expect(grantline('pat', 'create', '--user-id', 'nobody', '--name', 'n')).rejects.toMatchObject({
      stderr: expect.stringContaining('404'),
    });
    await expect(
      grantline('pat', 'create', '--user-id', ada.userId, '--name', 'n', '--expires-in', 'soon'),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('whole number of seconds') });
  });
});
