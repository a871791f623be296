import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { describeClientCredentialsContract } from '../support/client-credentials-contract';
import { describeAuthorizationCodeContract } from '../support/authorization-code-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-embedded-'));
const config = () => loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
const logger = createLogger('embedded-test', 'silent');
let server: EmbeddedServer;
let client: GrantlineTestClient;

beforeAll(async () => {
  server = await startEmbeddedServer(config(), logger);
  client = new GrantlineTestClient(server.url, server.adminToken);
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describeClientCredentialsContract('embedded', () => client);
describeAuthorizationCodeContract('embedded', () => client);

describe('embedded: first start and restart', () => {
  it('created a demo client on first start whose credentials work', async () => {
    expect(server.demo?.client.client_id).toBe('demo-client');
    const token = await client.clientCredentials('demo-client', server.demo?.client.client_secret ?? '');
    expect(token.token_type).toBe('Bearer');
  });

  it('rebuilds clients and revocations from the log after a restart', async () => {
    const registered = await client.registerClient({ name: 'survivor', scopes: 'read' });
    const kept = String((await client.clientCredentials(registered.client_id, registered.client_secret)).access_token);
    const revoked = String(
      (await client.clientCredentials(registered.client_id, registered.client_secret)).access_token,
    );
    expect((await client.revoke(revoked)).status).toBe(200);

    await server.close();
    server = await startEmbeddedServer(config(), logger);
    client = new GrantlineTestClient(server.url, server.adminToken);

    expect(server.demo).toBeUndefined();
    expect(await client.introspect(kept, registered.client_id, registered.client_secret)).toMatchObject({
      active: true,
    });
    expect(await client.introspect(revoked, registered.client_id, registered.client_secret)).toEqual({ active: false });
  });

  it('offers pairwise subjects without settings, keeping the salt it made across restarts', async () => {
    const salt = readFileSync(join(dataDir, 'pairwise-salt'), 'utf8');
    expect(salt.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      subject_types_supported: string[];
    };
    expect(discovery.subject_types_supported).toEqual(['public', 'pairwise']);

    await server.close();
    server = await startEmbeddedServer(config(), logger);
    client = new GrantlineTestClient(server.url, server.adminToken);
    expect(readFileSync(join(dataDir, 'pairwise-salt'), 'utf8')).toBe(salt);
  });

  it('makes tokens of a deleted client inactive', async () => {
    const victim = await client.registerClient({ name: 'short-lived', scopes: 'read' });
    const observer = await client.registerClient({ name: 'resource server', scopes: 'read' });
    const token = String((await client.clientCredentials(victim.client_id, victim.client_secret)).access_token);
    const deleted = await fetch(`${server.url}/admin/clients/${victim.client_id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(deleted.status).toBe(200);
    expect(await client.introspect(token, observer.client_id, observer.client_secret)).toEqual({ active: false });
  });

  it('exports request latency, issuance and revocation metrics at /metrics', async () => {
    const registered = await client.registerClient({ name: 'measured', scopes: 'read' });
    const token = String((await client.clientCredentials(registered.client_id, registered.client_secret)).access_token);
    await client.revoke(token);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(/grantline_tokens_issued(_total)?\{[^}]*grant_type="client_credentials"[^}]*\} [1-9]/);
    expect(text).toMatch(
      /http_server_request_duration_count\{[^}]*http_route="\/oauth\/token"[^}]*http_response_status_code="200"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/grantline_revocation_visible_seconds_count\{[^}]*\} [1-9]/);
  });

  it('answers audit queries by client and event type', async () => {
    const registered = await client.registerClient({ name: 'audited', scopes: 'read' });
    const token = String((await client.clientCredentials(registered.client_id, registered.client_secret)).access_token);
    await client.revoke(token);
    const query = new URLSearchParams({ client_id: registered.client_id, type: 'AccessTokenRevoked' });
    const response = await fetch(`${server.url}/admin/audit?${query}`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    const body = (await response.json()) as { entries: Array<Record<string, unknown>> };
    expect(body.entries).toHaveLength(1);
    expect(body.entries[0]).toMatchObject({ type: 'AccessTokenRevoked', client_id: registered.client_id });
    expect(JSON.stringify(body)).not.toContain(token);
    const bad = await fetch(`${server.url}/admin/audit?type=NoSuchEvent`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(bad.status).toBe(400);
  });

  it('refuses an admin body that repeats a member name, at any depth, and records nothing', async () => {
    // RFC 7493 §2.3: a proxy reading the first copy would see another command than the server.
    const post = (path: string, body: string) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body,
      });
    const clients = await post('/admin/clients', '{"name":"twice-a","name":"twice-b","scopes":"read"}');
    const users = await post(
      '/admin/users',
      '{"email":"twice@example.test","name":"Twice","password":"a long enough password","x":{"a":1,"a":2}}',
    );
    const tokens = await post(
      '/admin/users/nobody/personal-access-tokens',
      '{"name":"n","scopes":["read"],"name":"m"}',
    );
    for (const [response, member] of [
      [clients, 'name'],
      [users, 'a'],
      [tokens, 'name'],
    ] as const) {
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'invalid_request',
        error_description: `JSON member '${member}' is repeated`,
      });
    }
    const listed = JSON.stringify(await (await client.admin('GET', '/admin/clients')).json());
    expect(listed).not.toMatch(/twice-/);
    expect((await client.admin('GET', '/admin/users')).status).toBe(200);
    expect(JSON.stringify(await (await client.admin('GET', '/admin/users')).json())).not.toContain('twice@');
  });

  it('refuses the admin API without the admin token', async () => {
    const response = await fetch(`${server.url}/admin/clients`, { headers: { authorization: 'Bearer wrong' } });
    expect(response.status).toBe(401);
  });
});
