import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@grantline/lib-config';
import { verifySecret } from '@grantline/lib-oauth';
import { createLogger } from '@grantline/lib-http';
import { repoRoot } from '@grantline/lib-infra';
import { authorize, clientKeyPair, FormBrowser } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-cli-'));
let server: EmbeddedServer;

/** Runs the built `grantline` CLI the way a user would, finding the admin token in the data folder. */
async function grantline(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [join(repoRoot(), 'libs/cli/dist/main.js'), ...args], {
    env: { PATH: process.env.PATH, GRANTLINE_URL: server.url, GRANTLINE_DATA_DIR: dataDir },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** The same, with `input` piped to standard input (how `--password-stdin` is meant to be used). */
function grantlineWithStdin(input: string, ...args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(repoRoot(), 'libs/cli/dist/main.js'), ...args],
      { env: { PATH: process.env.PATH, GRANTLINE_URL: server.url, GRANTLINE_DATA_DIR: dataDir }, timeout: 30_000 },
      (error, stdout, stderr) =>
        error
          ? reject(Object.assign(error, { stdout, stderr }))
          : resolve(JSON.parse(stdout) as Record<string, unknown>),
    );
    child.stdin?.end(input);
  });
}

beforeAll(async () => {
  server = await startEmbeddedServer(
    loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }),
    createLogger('cli-test', 'silent'),
  );
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('creates, shows, lists, rotates and deletes a client against a running server', async () => {
  const created = await grantline(
    'client',
    'create',
    '--name',
    'Reporting job',
    '--grant-types',
    'client_credentials',
    '--scopes',
    'read write',
    '--client-id',
    'reporting',
    '--client-secret',
    'reporting-secret-1',
  );
  expect(created).toMatchObject({
    client_id: 'reporting',
    client_secret: 'reporting-secret-1',
    scopes: ['read', 'write'],
  });

  const http = new GrantlineTestClient(server.url, server.adminToken);
  const token = String((await http.clientCredentials('reporting', 'reporting-secret-1')).access_token);

  expect(await grantline('client', 'show', 'reporting')).toMatchObject({
    client_id: 'reporting',
    name: 'Reporting job',
  });
  expect(JSON.stringify(await grantline('client', 'show', 'reporting'))).not.toContain('secret_hash');
  const listed = (await grantline('client', 'list')) as { clients: Array<{ client_id: string }> };
  expect(listed.clients.map((client) => client.client_id)).toContain('reporting');

  const rotated = await grantline('client', 'rotate-secret', 'reporting');
  expect(rotated.client_secret).toEqual(expect.any(String));
  const refused = await http.form('/oauth/token', {
    grant_type: 'client_credentials',
    client_id: 'reporting',
    client_secret: 'reporting-secret-1',
  });
  expect(refused.status).toBe(401);
  await http.clientCredentials('reporting', String(rotated.client_secret));

  expect(await grantline('client', 'delete', 'reporting')).toEqual({ client_id: 'reporting', deleted: true });
  expect(await http.introspect(token, 'demo-client', server.demo?.client.client_secret ?? '')).toEqual({
    active: false,
  });
});

it('creates a private_key_jwt client from a key file, and replaces its keys with set-keys', async () => {
  const jwksFile = join(dataDir, 'payments.jwks.json');
  const { jwks } = clientKeyPair('payments-1');
  writeFileSync(jwksFile, JSON.stringify(jwks));
  const created = await grantline('client', 'create', '--name', 'Payments job', '--jwks-file', jwksFile);
  expect(created).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks });
  expect(created.client_secret).toBeUndefined();

  const uri = 'https://keys.payments.example/jwks.json';
  // A generated id may begin with '-': after '--' it is an operand, never an option.
  const replaced = await grantline('client', 'set-keys', '--jwks-uri', uri, '--', String(created.client_id));
  expect(replaced).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: uri });
  expect(replaced.jwks).toBeUndefined();
});

it('creates, lists, shows, updates and deletes a resource, and limits a client to it', async () => {
  const uri = 'https://orders.example.test/mcp';
  const created = await grantline(
    'resource',
    'create',
    '--uri',
    uri,
    '--name',
    'Orders MCP',
    '--scopes',
    'orders:read orders:write',
  );
  expect(created).toEqual({
    uri,
    name: 'Orders MCP',
    scopes: ['orders:read', 'orders:write'],
    created_at: expect.any(String),
  });
  expect(await grantline('resource', 'list')).toEqual({ resources: [created] });
  expect(await grantline('resource', 'update', uri, '--scopes', 'orders:read')).toMatchObject({
    scopes: ['orders:read'],
  });
  const limited = await grantline(
    'client',
    'create',
    '--name',
    'orders job',
    '--scopes',
    'orders:read',
    '--resource',
    uri,
    '--default-resource',
    uri,
    '--introspects-for',
    uri,
  );
  expect(limited).toMatchObject({ resources: [uri], default_resource: uri, introspects_for: uri });
  await expect(grantline('resource', 'delete', uri)).rejects.toMatchObject({ stderr: expect.stringContaining('409') });
  await grantline('client', 'delete', String(limited.client_id));
  expect(await grantline('resource', 'delete', uri)).toEqual({ uri, deleted: true });
  await expect(grantline('resource', 'show', uri)).rejects.toMatchObject({ stderr: expect.stringContaining('404') });
});

it('registers a confidential client that keeps its refresh token, and refuses a public one, with --no-refresh-token-rotation', async () => {
  const grants = ['--grant-types', 'authorization_code,refresh_token'];
  const phone = ['--name', 'Phone app', '--public', ...grants, '--redirect-uri', 'yourapp://cb'];
  const kept = await grantline('client', 'create', '--name', 'FAPI backend', ...grants, '--no-refresh-token-rotation');
  expect(kept).toMatchObject({ refresh_token_rotation: false });
  await expect(grantline('client', 'create', ...phone, '--no-refresh-token-rotation')).rejects.toMatchObject({
    stderr: expect.stringContaining('always rotates its refresh tokens'),
  });
  const app = await grantline('client', 'create', ...phone);
  expect(app).toMatchObject({ refresh_token_rotation: true, warnings: [expect.stringContaining('"yourapp:"')] });
});

it('fails with a message, not a stack trace, for an unknown client', async () => {
  await expect(grantline('client', 'show', 'nobody')).rejects.toMatchObject({
    stderr: expect.stringContaining('404'),
  });
});

it('creates users with --password-stdin, lists them without secrets, refuses duplicates, and disables them', async () => {
  const password = 'grace-hopper-password';
  const created = await grantlineWithStdin(
    `${password}\n`,
    'user',
    'create',
    '--email',
    ' Grace@Example.COM',
    '--name',
    'Grace Hopper',
    '--password-stdin',
  );
  expect(created).toEqual({
    user_id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
    email: 'grace@example.com',
    name: 'Grace Hopper',
    given_name: null,
    family_name: null,
    middle_name: null,
    nickname: null,
    preferred_username: null,
    email_verified: false,
    locale: null,
    zoneinfo: null,
    picture: null,
    website: null,
    profile: null,
    gender: null,
    birthdate: null,
    disabled: false,
    created_at: expect.any(String),
    updated_at: null,
  });
  const userId = String(created.user_id);

  // Only a hash reaches the log, and it is of the password without the newline `echo` adds.
  const logged = readFileSync(join(dataDir, 'log', 'events.jsonl'), 'utf8');
  expect(logged).not.toContain(password);
  const registered = logged
    .split('\n')
    .filter((line) => line.includes('"UserRegistered"'))
    .map((line) => JSON.parse(line) as { data: { user: { userId: string; passwordHash: string } } })
    .find((event) => event.data.user.userId === userId);
  expect(await verifySecret(password, registered?.data.user.passwordHash ?? '')).toBe(true);

  const listed = (await grantline('user', 'list')) as { users: Array<Record<string, unknown>> };
  expect(listed.users).toContainEqual(created);
  expect(JSON.stringify(listed)).not.toMatch(/hash|scrypt|password/i);

  const duplicate = grantlineWithStdin(
    'another-password\n',
    'user',
    'create',
    '--email',
    'grace@example.com',
    '--name',
    'Someone else',
    '--password-stdin',
  );
  await expect(duplicate).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringMatching(/409.*a user with this email already exists/),
  });
  await expect(
    grantline('user', 'create', '--email', 'x@example.com', '--name', 'X', '--password', 'on-the-command-line'),
  ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--password-stdin') });

  expect(await grantline('user', 'disable', userId)).toEqual({ ...created, disabled: true });
  expect(await grantline('user', 'show', userId)).toMatchObject({ user_id: userId, disabled: true });
  await expect(grantline('user', 'disable', userId)).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('already disabled'),
  });
  expect(await grantline('user', 'enable', userId)).toEqual(created);

  expect(await grantlineWithStdin('a-new-password\n', 'user', 'set-password', userId, '--password-stdin')).toEqual({
    user_id: userId,
    password_changed: true,
  });
  await expect(grantline('user', 'consent-withdraw', userId, 'demo-client')).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('404'),
  });
});

it("lists a user's browser sessions and ends one, or all, so the next authorization asks to sign in", async () => {
  const admin = new GrantlineTestClient(server.url, server.adminToken);
  const person = { email: 'sessions@example.com', password: 'a long password for sessions' };
  const { user_id: userId } = await admin.registerUser({ ...person, name: 'Sessions' });
  const { client_id: clientId } = await admin.registerClient({
    name: 'Sessions app',
    public: true,
    redirect_uris: ['https://app.example/cb'],
    grant_types: ['authorization_code'],
    scopes: 'read',
    first_party: true,
  });
  const party = { clientId, redirectUri: 'https://app.example/cb', ...person };
  const [first, second] = [new FormBrowser(server.url), new FormBrowser(server.url)];
  for (const browser of [first, second]) expect((await authorize(browser, party)).pages).toEqual(['sign-in']);

  const { sessions } = (await grantline('user', 'sessions', userId)) as { sessions: Array<{ session_id: string }> };
  expect(sessions).toHaveLength(2);
  const [one] = sessions;
  expect(await grantline('user', 'end-session', userId, one?.session_id ?? '')).toEqual({
    user_id: userId,
    session_id: one?.session_id,
    session_ended: true,
  });
  expect(((await grantline('user', 'sessions', userId)) as { sessions: unknown[] }).sessions).toHaveLength(1);
  expect(await grantline('user', 'end-session', userId, '--all')).toEqual({ user_id: userId, ended: 1 });
  for (const browser of [first, second]) expect((await authorize(browser, party)).pages).toEqual(['sign-in']);
  await expect(grantline('user', 'end-session', userId)).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringContaining('--all'),
  });
});
