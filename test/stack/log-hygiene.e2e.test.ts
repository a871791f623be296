import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEVICE_CODE_GRANT } from '@grantline/lib-events';
import type { RunningStack } from '@grantline/lib-stack';
import { FormBrowser, obtainTokens, refresh, tokenRequest } from '@grantline/lib-testing';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { pollUntil } from '../support/poll-until';
import { startTestStack } from './stack-fixture';

jest.setTimeout(120_000);

const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack('logs', {
    replicas: { token: 1, introspection: 1, devicePolling: 1 },
    // Every refusal is logged at debug: the most a service ever writes about a request.
    env: { LOG_LEVEL: 'debug' },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Every file under `dir` but the keys and the admin token file, which hold secrets by design. */
function logFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'keys' || name === 'admin-token') return [];
    return statSync(path).isDirectory() ? logFiles(path) : [path];
  });
}

it('writes no token, secret, password or code it handled to any log of the stack', async () => {
  const client = new GrantlineTestClient(stack.url, stack.adminToken);
  const secrets = new Map<string, string>([['admin token', stack.adminToken]]);
  const keep = (what: string, value: unknown) => {
    expect(typeof value === 'string' && value.length >= 8).toBe(true);
    secrets.set(what, String(value));
    return String(value);
  };

  // Client credentials, introspection, a refused secret, revocation.
  const api = await client.registerClient({ name: 'logged api', scopes: 'read' });
  keep('client secret', api.client_secret);
  const token = keep('access token', (await client.clientCredentials(api.client_id, api.client_secret)).access_token);
  expect(await client.introspect(token, api.client_id, api.client_secret)).toMatchObject({ active: true });
  const wrongSecret = keep('wrong secret', `wrong-${randomBytes(12).toString('hex')}`);
  const refused = await client.form('/oauth/token', {
    grant_type: 'client_credentials',
    client_id: api.client_id,
    client_secret: wrongSecret,
  });
  expect(refused.status).toBe(401);
  expect((await client.revoke(token)).status).toBe(200);
  const badToken = keep('forged token', `${token.slice(0, -6)}AAAAAA`);
  expect(await client.introspect(badToken, api.client_id, api.client_secret)).toEqual({ active: false });

  // A user signs in (once with a wrong password), a code is exchanged, refreshed, and reused.
  const email = `logs.${randomBytes(4).toString('hex')}@example.test`;
  const password = keep('password', `pw-${randomBytes(12).toString('hex')}`);
  await client.registerUser({ email, name: 'Lou', password });
  const spa = await client.registerClient({
    name: 'logged spa',
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read',
    redirect_uris: [REDIRECT],
  });
  const login = { clientId: spa.client_id, redirectUri: REDIRECT, email, scope: 'read' };
  const wrongPassword = keep('wrong password', `bad-${randomBytes(12).toString('hex')}`);
  await expect(obtainTokens(new FormBrowser(stack.url), { ...login, password: wrongPassword })).rejects.toThrow();
  const tokens = await obtainTokens(new FormBrowser(stack.url), { ...login, password });
  keep('user access token', tokens.access_token);
  const firstRefresh = keep('refresh token', tokens.refresh_token);
  const rotated = await refresh(stack.url, spa.client_id, firstRefresh);
  expect(rotated.status).toBe(200);
  keep('rotated access token', rotated.body.access_token);
  keep('rotated refresh token', rotated.body.refresh_token);
  expect((await refresh(stack.url, spa.client_id, firstRefresh)).body.error).toBe('invalid_grant');

  // A device asks for a code and polls it.
  const tv = await client.registerClient({
    name: 'logged tv',
    public: true,
    grant_types: [DEVICE_CODE_GRANT],
    scopes: 'read',
  });
  const device = await client.form('/oauth/device/code', { client_id: tv.client_id, scope: 'read' });
  const started = (await device.json()) as { device_code: string; user_code: string };
  const deviceCode = keep('device code', started.device_code);
  keep('user code', started.user_code);
  const poll = await tokenRequest(stack.url, {
    grant_type: DEVICE_CODE_GRANT,
    device_code: deviceCode,
    client_id: tv.client_id,
  });
  expect(poll.body.error).toBe('authorization_pending');

  // The consumers have seen every event before the logs are read.
  await pollUntil(
    async () => (await client.admin('GET', `/admin/audit?client_id=${tv.client_id}`)).json(),
    (body) => ((body as { entries?: unknown[] }).entries ?? []).length > 0,
    20_000,
    200,
  );

  const files = logFiles(dirname(dirname(stack.services[0]?.logFile ?? '.')));
  const text = files.map((file) => readFileSync(file, 'utf8')).join('\n');
  // The logs were written at debug: the refusals above are in them, so the search below had text to search.
  expect(text).toContain('request refused');
  const leaked = [...secrets].filter(([, value]) => text.includes(value)).map(([what]) => what);
  expect({ files: files.length, leaked }).toEqual({ files: files.length, leaked: [] });
});
