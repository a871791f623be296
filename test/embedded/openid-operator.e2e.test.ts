import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort, repoRoot } from '@grantline/lib-infra';
import { authorize, codeExchange, FormBrowser, tokenRequest } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { INITIAL_ACCESS_TOKEN, REGISTRATION_SETTINGS } from '../support/dynamic-registration-contract';
import { MetadataDocumentServer } from '../support/metadata-document-server';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { driftOf } from '../support/openapi-conformance';

/**
 * The operator's side of OpenID Connect on a running embedded server: people's profiles (admin
 * API and CLI), clients' OpenID Connect settings (CLI), and clients registering themselves with
 * OpenID Connect metadata, a sector identifier document served over https on loopback.
 */
const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-openid-operator-'));
const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
const password = 'correct horse battery staple';
let documents: MetadataDocumentServer;
let server: EmbeddedServer;
let admin: GrantlineTestClient;

async function grantline(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [join(repoRoot(), 'libs/cli/dist/main.js'), ...args], {
    env: { PATH: process.env.PATH, GRANTLINE_URL: server.url, GRANTLINE_DATA_DIR: dataDir },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** The CLI's exit and standard error when it is expected to fail. */
async function grantlineFails(...args: string[]): Promise<string> {
  try {
    await grantline(...args);
  } catch (error) {
    return String((error as { stderr?: unknown }).stderr);
  }
  throw new Error(`grantline ${args.join(' ')} succeeded`);
}

const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as unknown });

beforeAll(async () => {
  documents = await MetadataDocumentServer.start();
  const port = String(await freePort());
  server = await startEmbeddedServer(
    loadConfig({
      GRANTLINE_DATA_DIR: dataDir,
      PORT: port,
      GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      GRANTLINE_PAIRWISE_SALT: 'openid-operator-test-salt-0123456789abcdef',
      GRANTLINE_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      GRANTLINE_FETCH_CA_FILE: documents.certificates.caFile,
      ...REGISTRATION_SETTINGS,
    }),
    createLogger('openid-operator-test', 'silent'),
  );
  admin = new GrantlineTestClient(server.url, server.adminToken);
}, 30_000);

afterAll(async () => {
  await server?.close();
  await documents?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('people: profiles through the admin API', () => {
  let spa: string;
  const signIn = (email: string) =>
    authorize(new FormBrowser(server.url), { clientId: spa, redirectUri: REDIRECT, email, password, scope: 'read' });
  /** Whether the sign-in page takes these credentials (it answers the page again when not). */
  const signsIn = async (email: string) => {
    try {
      const result = await signIn(email);
      return result.callback.searchParams.has('code');
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    spa = (
      await admin.registerClient({
        name: 'Profile SPA',
        public: true,
        grant_types: ['authorization_code'],
        scopes: 'read',
        redirect_uris: [REDIRECT],
      })
    ).client_id;
  });

  it('creates a person with a profile, and changes it with PATCH; the old address stops signing in', async () => {
    const tag = randomUUID().slice(0, 8);
    const created = await json(
      await admin.admin('POST', '/admin/users', {
        email: `ada.${tag}@example.test`,
        name: 'Ada Lovelace',
        password,
        given_name: 'Ada',
        email_verified: true,
      }),
    );
    expect(created).toMatchObject({
      status: 201,
      body: { given_name: 'Ada', family_name: null, email_verified: true, updated_at: null },
    });
    const { user_id: userId } = created.body as { user_id: string };
    expect(JSON.stringify(created.body)).not.toMatch(/scrypt|password/i);

    const changed = await json(
      await admin.admin('PATCH', `/admin/users/${userId}`, {
        email: `Ada.King.${tag}@Example.test`,
        family_name: 'King',
        preferred_username: 'ada',
        locale: 'en-GB',
        zoneinfo: 'Europe/London',
        website: 'https://ada.example.test/',
        given_name: null,
      }),
    );
    expect(changed).toMatchObject({
      status: 200,
      body: {
        user_id: userId,
        email: `ada.king.${tag}@example.test`,
        given_name: null,
        family_name: 'King',
        preferred_username: 'ada',
        // A new address is unverified until the operator says otherwise.
        email_verified: false,
        locale: 'en-GB',
        zoneinfo: 'Europe/London',
        website: 'https://ada.example.test/',
        updated_at: expect.any(String),
      },
    });
    expect(await json(await admin.admin('GET', `/admin/users/${userId}`))).toEqual(changed);

    expect(await signsIn(`ada.king.${tag}@example.test`)).toBe(true);
    expect(await signsIn(`ada.${tag}@example.test`)).toBe(false);
  });

  it('refuses an address another person holds (409), bad input (400) and an unknown person (404), changing nothing', async () => {
    const tag = randomUUID().slice(0, 8);
    const grace = await admin.registerUser({ email: `grace.${tag}@example.test`, name: 'Grace', password });
    const alan = await admin.registerUser({ email: `alan.${tag}@example.test`, name: 'Alan', password });
    const before = await json(await admin.admin('GET', `/admin/users/${alan.user_id}`));

    const taken = await admin.admin('PATCH', `/admin/users/${alan.user_id}`, { email: `GRACE.${tag}@example.test` });
    expect(taken.status).toBe(409);
    for (const body of [{}, { locale: 'not a tag' }, { picture: 'javascript:alert(1)' }, { password }, { name: '' }]) {
      const refused = await admin.admin('PATCH', `/admin/users/${alan.user_id}`, body);
      expect({ body, status: refused.status }).toEqual({ body, status: 400 });
    }
    expect((await admin.admin('PATCH', '/admin/users/01JBZ8Y2C5V9Q3K4M6N7P8R9S0', { name: 'x' })).status).toBe(404);

    expect(await json(await admin.admin('GET', `/admin/users/${alan.user_id}`))).toEqual(before);
    expect(await signsIn(`grace.${tag}@example.test`)).toBe(true);
    expect(grace.user_id).not.toBe(alan.user_id);
  });

  it('lets an address that was given up be taken by another person', async () => {
    const tag = randomUUID().slice(0, 8);
    const first = await admin.registerUser({ email: `shared.${tag}@example.test`, name: 'First', password });
    const second = await admin.registerUser({ email: `second.${tag}@example.test`, name: 'Second', password });
    await admin.admin('PATCH', `/admin/users/${first.user_id}`, { email: `moved.${tag}@example.test` });
    const taken = await admin.admin('PATCH', `/admin/users/${second.user_id}`, { email: `shared.${tag}@example.test` });
    expect(taken.status).toBe(200);
    const result = await signIn(`shared.${tag}@example.test`);
    const exchange = await tokenRequest(server.url, codeExchange(result, { clientId: spa, redirectUri: REDIRECT }));
    const me = await admin.userInfo(String(exchange.body.access_token));
    expect(await me.json()).toMatchObject({ sub: second.user_id, email: `shared.${tag}@example.test` });
  });
});

describe('the CLI', () => {
  it('creates a person with profile options and updates them', async () => {
    const tag = randomUUID().slice(0, 8);
    const created = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [
          join(repoRoot(), 'libs/cli/dist/main.js'),
          ...['user', 'create', '--email', `linus.${tag}@example.test`, '--name', 'Linus'],
          ...['--given-name', 'Linus', '--family-name', 'Torvalds', '--email-verified', '--password-stdin'],
        ],
        { env: { PATH: process.env.PATH, GRANTLINE_URL: server.url, GRANTLINE_DATA_DIR: dataDir }, timeout: 30_000 },
        (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as Record<string, unknown>)),
      );
      child.stdin?.end(password);
    });
    expect(created).toMatchObject({ given_name: 'Linus', family_name: 'Torvalds', email_verified: true });

    const userId = String(created.user_id);
    const updated = await grantline(
      ...['user', 'update', userId, '--preferred-username', 'torvalds', '--locale', 'fi-FI'],
      ...['--zoneinfo', 'Europe/Helsinki', '--picture', 'https://pictures.example.test/linus.png'],
      ...['--no-email-verified', '--given-name', ''],
      ...['--middle-name', 'Benedict', '--nickname', 'linus', '--profile-url', 'https://people.example.test/linus'],
      ...['--gender', 'male', '--birthdate', '1969-12-28'],
    );
    expect(updated).toMatchObject({
      user_id: userId,
      given_name: null,
      family_name: 'Torvalds',
      preferred_username: 'torvalds',
      email_verified: false,
      locale: 'fi-FI',
      zoneinfo: 'Europe/Helsinki',
      picture: 'https://pictures.example.test/linus.png',
      middle_name: 'Benedict',
      nickname: 'linus',
      profile: 'https://people.example.test/linus',
      gender: 'male',
      birthdate: '1969-12-28',
    });
    expect(await grantline('user', 'show', userId)).toEqual(updated);
    expect(await grantline('user', 'update', userId, '--birthdate', '', '--gender', '')).toMatchObject({
      birthdate: null,
      gender: null,
      nickname: 'linus',
    });
    expect(await grantlineFails('user', 'update', userId, '--birthdate', '1969-02-30')).toContain('400');
    expect(await grantlineFails('user', 'update', userId)).toContain('nothing to change');
    expect(await grantlineFails('user', 'update', userId, '--locale', 'not a tag')).toContain('400');
  }, 120_000);

  it('creates and updates a client with OpenID Connect settings, refusing ones the server cannot serve', async () => {
    const created = await grantline(
      ...['client', 'create', '--name', 'Grafana', '--grant-types', 'authorization_code,refresh_token'],
      ...['--scopes', 'read', '--redirect-uri', 'https://grafana.example.test/login/generic_oauth'],
      ...['--id-token-alg', 'ES256', '--subject-type', 'pairwise'],
      ...['--post-logout-redirect-uri', 'https://grafana.example.test/login'],
      ...['--post-logout-redirect-uri', 'https://grafana.example.test/bye'],
      ...['--backchannel-logout-uri', 'https://grafana.example.test/backchannel'],
      ...['--backchannel-logout-session-required', '--default-max-age', '3600', '--require-auth-time'],
      '--keep-grants-after-logout',
    );
    expect(created).toMatchObject({
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
      sector_identifier_host: null,
      post_logout_redirect_uris: ['https://grafana.example.test/login', 'https://grafana.example.test/bye'],
      backchannel_logout_uri: 'https://grafana.example.test/backchannel',
      backchannel_logout_session_required: true,
      default_max_age: 3600,
      require_auth_time: true,
      end_grants_with_session: false,
    });
    const clientId = String(created.client_id);

    // Two redirect hosts leave a pairwise client without a sector, unless it names one.
    const twoHosts = ['--redirect-uri', 'https://a.example.test/cb', '--redirect-uri', 'https://b.example.test/cb'];
    expect(await grantlineFails('client', 'update', ...twoHosts, '--', clientId)).toContain('sector');
    // A generated id may begin with '-': after '--' it is an operand, never an option.
    const updated = await grantline(
      ...['client', 'update', ...twoHosts],
      ...['--sector-identifier-host', 'example.test', '--no-require-auth-time', '--no-keep-grants-after-logout'],
      ...['--', clientId],
    );
    expect(updated).toMatchObject({
      redirect_uris: ['https://a.example.test/cb', 'https://b.example.test/cb'],
      sector_identifier_host: 'example.test',
      require_auth_time: false,
      end_grants_with_session: true,
      id_token_signed_response_alg: 'ES256',
    });
    expect(await grantline('client', 'show', '--', clientId)).toMatchObject(updated);

    // "" clears the back-channel URI, which logout tokens with sid cannot do without.
    const clear = ['--backchannel-logout-uri', ''];
    expect(await grantlineFails('client', 'update', ...clear, '--', clientId)).toContain('backchannel');
    const cleared = await grantline(
      ...['client', 'update', ...clear, '--no-backchannel-logout-session-required', '--', clientId],
    );
    expect(cleared).toMatchObject({ backchannel_logout_uri: null, backchannel_logout_session_required: false });

    // PKCE can be waived for a confidential client (RFC 9700 §2.1.1) and required again; never for a public one.
    expect(created.require_pkce).toBe(true);
    expect(await grantline('client', 'update', '--no-require-pkce', '--', clientId)).toMatchObject({
      require_pkce: false,
    });
    expect(await grantline('client', 'update', '--require-pkce', '--', clientId)).toMatchObject({ require_pkce: true });
    const spa = await grantline(
      ...['client', 'create', '--name', 'SPA', '--public', '--grant-types', 'authorization_code'],
      ...['--redirect-uri', 'https://spa.example.test/cb'],
    );
    expect(await grantlineFails('client', 'update', '--no-require-pkce', '--', String(spa.client_id))).toContain(
      'a public client always uses PKCE',
    );

    const refused = [
      ['--post-logout-redirect-uri', 'http://grafana.example.test/bye'],
      ['--backchannel-logout-uri', 'http://grafana.example.test/backchannel'],
    ];
    for (const options of refused) {
      expect(await grantlineFails('client', 'create', '--name', 'x', ...options)).toContain('400');
    }
    expect(await grantlineFails('client', 'create', '--name', 'x', '--id-token-alg', 'HS256')).toContain('HS256');
  }, 120_000);
});

describe('clients registering themselves with OpenID Connect metadata', () => {
  const register = (body: unknown, token = INITIAL_ACCESS_TOKEN) =>
    fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  const redirectUris = ['https://app.one.example.test/cb', 'https://app.two.example.test/cb'];
  const base = {
    client_name: 'Relying party',
    grant_types: ['authorization_code'],
    scope: 'read',
    redirect_uris: redirectUris,
  };

  it('takes a pairwise sector from a sector identifier document fetched over https, and echoes the metadata', async () => {
    const path = `/sector-${randomUUID()}.json`;
    documents.serve(path, [...redirectUris, 'https://app.three.example.test/cb']);
    const metadata = {
      ...base,
      id_token_signed_response_alg: 'RS256',
      subject_type: 'pairwise',
      sector_identifier_uri: documents.url(path),
      post_logout_redirect_uris: ['https://app.one.example.test/signed-out'],
      backchannel_logout_uri: 'https://app.one.example.test/backchannel',
      backchannel_logout_session_required: true,
      default_max_age: 900,
      require_auth_time: true,
    };
    const response = await register(metadata);
    expect(await driftOf('post', '/oauth/register', response.clone())).toEqual([]);
    expect(response.status).toBe(201);
    const { client_name: _name, grant_types: _grants, scope: _scope, ...echoed } = metadata;
    const information = (await response.json()) as Record<string, unknown> & {
      client_id: string;
      registration_client_uri: string;
      registration_access_token: string;
    };
    expect(information).toMatchObject(echoed);
    expect(documents.fetches(path)).toBe(1);

    const read = await fetch(information.registration_client_uri, {
      headers: { authorization: `Bearer ${information.registration_access_token}` },
    });
    expect(await driftOf('get', '/oauth/register/{client_id}', read.clone())).toEqual([]);
    expect(await read.json()).toMatchObject(echoed);
    expect(
      await json(await admin.admin('GET', `/admin/clients/${encodeURIComponent(information.client_id)}`)),
    ).toMatchObject({
      body: { subject_type: 'pairwise', sector_identifier_host: new URL(documents.origin).host },
    });
  });

  it('refuses a sector document that leaves out a redirect URI, or cannot be fetched, with invalid_client_metadata', async () => {
    const path = `/sector-${randomUUID()}.json`;
    documents.serve(path, [redirectUris[0]]);
    for (const uri of [documents.url(path), documents.url('/missing.json')]) {
      const response = await register({ ...base, subject_type: 'pairwise', sector_identifier_uri: uri });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_client_metadata' });
    }
  });

  it.each([
    ['an algorithm the server does not offer', { id_token_signed_response_alg: 'HS256' }],
    ['an unknown subject type', { subject_type: 'anonymous' }],
    ['pairwise across two hosts without a sector', { subject_type: 'pairwise' }],
    ['a back-channel logout URI over http', { backchannel_logout_uri: 'http://app.one.example.test/bc' }],
  ])('refuses %s with invalid_client_metadata', async (_name, members) => {
    const response = await register({ ...base, ...members });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });
});
