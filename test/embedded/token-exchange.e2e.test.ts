import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { authorize, FormBrowser } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { basic, GrantlineTestClient } from '../support/oauth-test-client';

const MCP = 'https://mcp.example.test/mcp';
const ORDERS = 'https://orders.example.test/api';
const REDIRECT = 'http://127.0.0.1:8765/callback';
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-exchange-'));
let server: EmbeddedServer;
let client: GrantlineTestClient;
let mcp: { client_id: string; client_secret: string };
let rs: { client_id: string; client_secret: string };
const person = { email: 'lin@example.test', name: 'Lin', password: 'correct horse battery' };

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

/** The user's tokens from the code flow: an access token for the MCP server, and its refresh token. */
async function signIn(appId: string): Promise<{ access_token: string; refresh_token: string }> {
  const flow = await authorize(new FormBrowser(server.url), {
    clientId: appId,
    redirectUri: REDIRECT,
    email: person.email,
    password: person.password,
    scope: 'orders:read orders:write',
    extra: { resource: MCP },
  });
  const response = await client.form('/oauth/token', {
    grant_type: 'authorization_code',
    client_id: appId,
    code: flow.callback.searchParams.get('code') ?? '',
    redirect_uri: REDIRECT,
    code_verifier: flow.verifier,
    resource: MCP,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

function exchange(params: Record<string, string>) {
  return client.form(
    '/oauth/token',
    { grant_type: EXCHANGE, subject_token_type: ACCESS_TOKEN, ...params },
    { authorization: basic(mcp.client_id, mcp.client_secret) },
  );
}

beforeAll(async () => {
  const config = loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  server = await startEmbeddedServer(config, createLogger('exchange-test', 'silent'));
  client = new GrantlineTestClient(server.url, server.adminToken);
  const registered = await Promise.all([
    client.admin('POST', '/admin/resources', { uri: MCP, name: 'Orders MCP', scopes: 'orders:read orders:write' }),
    client.admin('POST', '/admin/resources', { uri: ORDERS, name: 'Orders API', scopes: 'orders:read' }),
  ]);
  expect(registered.map((response) => response.status)).toEqual([201, 201]);
  mcp = await client.registerClient({
    name: 'Orders MCP server',
    grant_types: [EXCHANGE, 'client_credentials'],
    scopes: 'orders:read',
    resources: [ORDERS],
  });
  rs = await client.registerClient({ name: 'Orders API', scopes: 'orders:read' });
  await client.registerUser(person);
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: token exchange (RFC 8693) over HTTP', () => {
  it('lists the grant in the server metadata', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as {
      grant_types_supported: string[];
    };
    expect(metadata.grant_types_supported).toContain(EXCHANGE);
  });

  it('exchanges a user’s token for a narrower one for the downstream API, with act, ended with the grant', async () => {
    const app = await client.registerClient({
      name: 'Assistant',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'orders:read orders:write',
      redirect_uris: [REDIRECT],
    });
    const user = await signIn(app.client_id);
    const actor = (await client.clientCredentials(mcp.client_id, mcp.client_secret)).access_token as string;

    const response = await exchange({
      subject_token: user.access_token,
      actor_token: actor,
      actor_token_type: ACCESS_TOKEN,
      resource: ORDERS,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS_TOKEN,
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: 'orders:read',
    });
    const exchanged = body.access_token as string;
    const subjectClaims = claimsOf(user.access_token);
    expect(claimsOf(exchanged)).toMatchObject({ aud: ORDERS, sub: subjectClaims.sub, act: { sub: mcp.client_id } });
    expect(claimsOf(exchanged).exp as number).toBeLessThanOrEqual(subjectClaims.exp as number);
    expect(await client.introspect(exchanged, rs.client_id, rs.client_secret)).toMatchObject({
      active: true,
      client_id: mcp.client_id,
      act: { sub: mcp.client_id },
    });

    // Presenting the refresh token again after rotation would revoke the grant; revoking it does too.
    expect((await client.form('/oauth/revoke', { token: user.refresh_token, client_id: app.client_id })).status).toBe(
      200,
    );
    expect(await client.introspect(exchanged, rs.client_id, rs.client_secret)).toEqual({ active: false });
    const again = await exchange({ subject_token: user.access_token, resource: ORDERS });
    expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([400, 'invalid_grant']);
  });

  it('refuses a resource the exchanging client is not limited to, and a client not allowed to exchange', async () => {
    const own = (await client.clientCredentials(rs.client_id, rs.client_secret)).access_token as string;
    const elsewhere = await exchange({ subject_token: own, resource: MCP });
    expect([elsewhere.status, ((await elsewhere.json()) as { error: string }).error]).toEqual([400, 'invalid_target']);
    const refused = await client.form(
      '/oauth/token',
      { grant_type: EXCHANGE, subject_token: own, subject_token_type: ACCESS_TOKEN },
      { authorization: basic(rs.client_id, rs.client_secret) },
    );
    expect([refused.status, ((await refused.json()) as { error: string }).error]).toEqual([400, 'unauthorized_client']);
  });
});
