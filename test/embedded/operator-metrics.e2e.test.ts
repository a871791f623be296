import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { DEVICE_CODE_GRANT } from '@grantline/lib-events';
import { createLogger } from '@grantline/lib-http';
import { FormBrowser, obtainTokens, refresh, tokenRequest } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-metrics-'));
let server: EmbeddedServer;
let client: GrantlineTestClient;

beforeAll(async () => {
  const config = loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  server = await startEmbeddedServer(config, createLogger('metrics-test', 'silent'));
  client = new GrantlineTestClient(server.url, server.adminToken);
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The value of the one sample of `name` whose labels include every one of `labels`, or 0. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const lines = text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
  const matching = lines.filter((line) =>
    Object.entries(labels).every(([label, value]) => line.includes(`${label}="${value}"`)),
  );
  return matching.reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

it('exposes the metrics an operator alerts on after a short scripted run', async () => {
  // Client credentials, introspection both ways, a revocation.
  const api = await client.registerClient({ name: 'measured api', scopes: 'read' });
  const token = String((await client.clientCredentials(api.client_id, api.client_secret)).access_token);
  expect(await client.introspect(token, api.client_id, api.client_secret)).toMatchObject({ active: true });
  expect((await client.revoke(token)).status).toBe(200);
  expect(await client.introspect(token, api.client_id, api.client_secret)).toEqual({ active: false });

  // A DPoP header that is not a JWT.
  const refused = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: 'not-a-jwt' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: api.client_id,
      client_secret: api.client_secret,
    }),
  });
  expect(refused.status).toBe(400);

  // A device that polls before anyone approved it, then too soon.
  const tv = await client.registerClient({
    name: 'measured tv',
    public: true,
    grant_types: [DEVICE_CODE_GRANT],
    scopes: 'read',
  });
  const started = await fetch(`${server.url}/oauth/device/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: tv.client_id, scope: 'read' }),
  });
  expect(started.status).toBe(200);
  const { device_code: deviceCode } = (await started.json()) as { device_code: string };
  const poll = () =>
    tokenRequest(server.url, { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: tv.client_id });
  expect((await poll()).body.error).toBe('authorization_pending');
  expect((await poll()).body.error).toBe('slow_down');

  // A refresh token presented again after its rotation.
  const password = 'correct horse battery staple';
  await client.registerUser({ email: 'metrics@example.test', name: 'Mia', password });
  const spa = await client.registerClient({
    name: 'measured spa',
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read',
    redirect_uris: [REDIRECT],
  });
  const tokens = await obtainTokens(new FormBrowser(server.url), {
    clientId: spa.client_id,
    redirectUri: REDIRECT,
    email: 'metrics@example.test',
    password,
    scope: 'read',
  });
  expect((await refresh(server.url, spa.client_id, String(tokens.refresh_token))).status).toBe(200);
  expect((await refresh(server.url, spa.client_id, String(tokens.refresh_token))).body.error).toBe('invalid_grant');

  const text = await (await fetch(`${server.url}/metrics`)).text();
  const route = (path: string, status: string) => ({ http_route: path, http_response_status_code: status });
  expect(sample(text, 'http_server_request_duration_count', route('/oauth/token', '200'))).toBeGreaterThan(0);
  expect(sample(text, 'http_server_request_duration_count', route('/oauth/token', '400'))).toBeGreaterThan(0);
  expect(sample(text, 'http_server_request_duration_count', route('/admin/clients', '201'))).toBeGreaterThanOrEqual(3);
  expect(sample(text, 'grantline_tokens_issued_total', { grant_type: 'client_credentials' })).toBeGreaterThan(0);
  expect(sample(text, 'grantline_tokens_issued_total', { grant_type: 'refresh_token' })).toBeGreaterThan(0);
  expect(sample(text, 'grantline_introspections_total', { result: 'active' })).toBe(1);
  expect(sample(text, 'grantline_introspections_total', { result: 'inactive' })).toBe(1);
  expect(sample(text, 'grantline_dpop_proof_failures_total', { reason: 'malformed' })).toBe(1);
  expect(sample(text, 'grantline_device_polls_total', { answer: 'authorization_pending' })).toBe(1);
  expect(sample(text, 'grantline_device_polls_total', { answer: 'slow_down' })).toBe(1);
  expect(sample(text, 'grantline_artifact_reuse_detected_total', { artifact: 'refresh_token' })).toBe(1);
  expect(sample(text, 'grantline_revocation_visible_seconds_count', {})).toBeGreaterThan(0);
  // Nothing a client sent or received is a label value.
  expect(text).not.toContain(token);
  expect(text).not.toContain(deviceCode);
});
