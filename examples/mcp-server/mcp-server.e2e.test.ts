import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { FormBrowser, followAuthorization } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { BoundedProcess } from '../../test/support/bounded-process';
import { metadataDocumentSettings } from '../../test/support/client-metadata-document-contract';
import { MetadataDocumentServer } from '../../test/support/metadata-document-server';
import { GrantlineTestClient } from '../../test/support/oauth-test-client';
import { KeepingClientProvider, MetadataDocumentClientProvider } from './sdk-test-client';

// RFC 8252 §7.3: a loopback redirect is registered without a port and used on any.
const REGISTERED_REDIRECT = 'http://127.0.0.1/callback';
const REDIRECT = 'http://127.0.0.1:8765/callback';
const OTHER = 'https://billing.example.test/api';
const person = { email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' };

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-mcp-'));
let documents: MetadataDocumentServer;
let grantline: EmbeddedServer;
let admin: GrantlineTestClient;
let mcpServer: BoundedProcess;
let ordersApi: BoundedProcess;
let resource: string;
let ordersResource: string;
let appClientId: string;
let serverClientId: string;

/** A call to the MCP endpoint with a given Authorization header, as any HTTP client would make it. */
function callMcp(authorization?: string): Promise<Response> {
  return fetch(resource, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * The SDK's sign-in: discovery through the 401, the authorization request with PKCE and
 * resource, the person through sign-in and consent, then the code exchange.
 */
async function signInThroughSdk(provider: KeepingClientProvider) {
  const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
  await expect(new Client({ name: 'test', version: '1.0.0' }).connect(transport)).rejects.toThrow(UnauthorizedError);
  const authorizationUrl = provider.authorizationUrl;
  const flow = await followAuthorization(new FormBrowser(grantline.url), authorizationUrl?.toString() ?? '', person);
  expect(flow.pages).toEqual(['sign-in', 'consent']);
  await transport.finishAuth(flow.callback.searchParams.get('code') ?? '');
  const token = provider.tokens()?.access_token ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    aud: unknown;
    client_id: string;
    sub: string;
  };
  return { authorizationUrl, token, claims };
}

beforeAll(async () => {
  const port = String(await freePort());
  documents = await MetadataDocumentServer.start();
  grantline = await startEmbeddedServer(
    loadConfig({
      GRANTLINE_DATA_DIR: dataDir,
      PORT: port,
      GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      ...metadataDocumentSettings(documents),
      GRANTLINE_CLIENT_METADATA_SCOPES: 'orders:read',
    }),
    createLogger('mcp-test', 'silent'),
  );
  admin = new GrantlineTestClient(grantline.url, grantline.adminToken);

  const mcpPort = await freePort();
  resource = `http://127.0.0.1:${mcpPort}/mcp`;
  const ordersPort = await freePort();
  ordersResource = `http://127.0.0.1:${ordersPort}/orders`;
  for (const registered of [
    { uri: resource, name: 'Orders MCP', scopes: 'orders:read' },
    { uri: ordersResource, name: 'Orders API', scopes: 'orders:read' },
    { uri: OTHER, name: 'Billing API', scopes: 'billing:read' },
  ]) {
    expect((await admin.admin('POST', '/admin/resources', registered)).status).toBe(201);
  }
  // The MCP server introspects for itself and exchanges tokens for the orders API only.
  const server = await admin.registerClient({
    name: 'Orders MCP server',
    introspects_for: resource,
    grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'],
    resources: [ordersResource],
    scopes: 'orders:read',
  });
  serverClientId = server.client_id;
  const orders = await admin.registerClient({ name: 'Orders API', introspects_for: ordersResource });
  const app = await admin.registerClient({
    name: 'MCP desktop app',
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'orders:read',
    redirect_uris: [REGISTERED_REDIRECT],
  });
  appClientId = app.client_id;
  await admin.registerUser(person);

  ordersApi = new BoundedProcess('orders-api', process.execPath, ['orders-api-server.mjs'], {
    cwd: __dirname,
    env: {
      ...process.env,
      GRANTLINE_URL: grantline.url,
      ORDERS_CLIENT_ID: orders.client_id,
      ORDERS_CLIENT_SECRET: orders.client_secret,
      PORT: String(ordersPort),
    },
    timeoutMs: 120_000,
  });
  mcpServer = new BoundedProcess('mcp-server', process.execPath, ['server.mjs'], {
    cwd: __dirname,
    env: {
      ...process.env,
      GRANTLINE_URL: grantline.url,
      MCP_CLIENT_ID: server.client_id,
      MCP_CLIENT_SECRET: server.client_secret,
      PORT: String(mcpPort),
      ORDERS_API_URL: ordersResource,
    },
    timeoutMs: 120_000,
  });
  await ordersApi.waitForLine(/"listening"/, 20_000);
  await mcpServer.waitForLine(/"listening"/, 20_000);
}, 60_000);

afterAll(async () => {
  mcpServer?.kill();
  ordersApi?.kill();
  await mcpServer?.exited;
  await ordersApi?.exited;
  await grantline?.close();
  await documents?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('an MCP server protected by Grantline', () => {
  it('challenges a call without a token with its protected resource metadata (RFC 9728 §5.1)', async () => {
    const refused = await callMcp();
    expect(refused.status).toBe(401);
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(refused.headers.get('www-authenticate') ?? '')?.[1];
    expect(metadataUrl).toBe(resource.replace('/mcp', '/.well-known/oauth-protected-resource/mcp'));
    const metadata = await fetch(metadataUrl ?? '');
    expect(await metadata.json()).toMatchObject({ resource, authorization_servers: [grantline.url] });
  });

  it("lets the SDK's client sign in through Grantline, list and call tools; refuses the token once revoked", async () => {
    // A pre-registered public client as the SDK sees it.
    const provider = new KeepingClientProvider(
      REDIRECT,
      { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: 'MCP test client' },
      { client_id: appClientId },
    );
    const connect = (client: Client) =>
      client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider }));

    const { authorizationUrl, token, claims } = await signInThroughSdk(provider);
    expect(authorizationUrl?.origin).toBe(grantline.url);
    expect(authorizationUrl?.searchParams.get('resource')).toBe(resource);
    expect(authorizationUrl?.searchParams.get('code_challenge_method')).toBe('S256');
    expect(claims.aud).toBe(resource);

    const client = new Client({ name: 'test', version: '1.0.0' });
    await connect(client);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['list_orders', 'whoami']);
    const called = await client.callTool({ name: 'list_orders', arguments: { status: 'shipped' } });
    const [content] = called.content as { type: string; text: string }[];
    // What the orders API served, and who it saw: the same user, through a token exchanged for it.
    expect(JSON.parse(content?.text ?? '')).toEqual({
      orders: [{ id: 'o-1001', item: 'Espresso beans, 1 kg', status: 'shipped', customer: claims.sub }],
      seen: { sub: claims.sub, act: null, client_id: serverClientId, aud: [ordersResource] },
    });
    await client.close();

    // The user's own token is meant for the MCP server: the orders API refuses it (RFC 8707).
    const direct = await fetch(ordersResource, { headers: { authorization: `Bearer ${token}` } });
    expect(direct.status).toBe(401);
    expect(direct.headers.get('www-authenticate')).toContain('error="invalid_token"');

    expect((await callMcp(`Bearer ${token}`)).status).toBe(200);
    const revoked = await fetch(`${grantline.url}/oauth/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token, client_id: appClientId }),
    });
    expect(revoked.status).toBe(200);
    const refused = await callMcp(`Bearer ${token}`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it("lets the SDK's client sign in with no registration, through its client ID metadata document", async () => {
    const documentUrl = documents.url('/mcp-client.json');
    documents.serve('/mcp-client.json', {
      client_id: documentUrl,
      client_name: 'MCP test client',
      redirect_uris: [REGISTERED_REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_method: 'none',
    });
    const provider = new MetadataDocumentClientProvider(
      REDIRECT,
      { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', client_name: 'MCP test client' },
      documentUrl,
    );
    const { authorizationUrl, claims } = await signInThroughSdk(provider);
    // The SDK saw client_id_metadata_document_supported and used the URL as its client_id.
    expect(authorizationUrl?.searchParams.get('client_id')).toBe(documentUrl);
    expect(authorizationUrl?.searchParams.get('resource')).toBe(resource);
    expect(claims).toMatchObject({ aud: resource, client_id: documentUrl });

    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider }));
    const called = await client.callTool({ name: 'list_orders', arguments: { status: 'shipped' } });
    const [content] = called.content as { type: string; text: string }[];
    // The MCP server exchanged the token of a client in no projection for one meant for the orders API.
    expect(JSON.parse(content?.text ?? '')).toMatchObject({ seen: { sub: claims.sub, aud: [ordersResource] } });
    await client.close();
    expect(documents.fetches('/mcp-client.json')).toBe(1);
  });

  it.each([
    ['another resource', [OTHER]],
    ["Grantline's own API", []],
  ])('refuses a live token meant for %s', async (_, resources) => {
    const machine = await admin.registerClient({ name: `machine ${resources.length}`, scopes: 'billing:read' });
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: machine.client_id,
      client_secret: machine.client_secret,
    });
    for (const uri of resources) body.append('resource', uri);
    const issued = (await (await fetch(`${grantline.url}/oauth/token`, { method: 'POST', body })).json()) as {
      access_token: string;
    };
    expect(await admin.introspect(issued.access_token, machine.client_id, machine.client_secret)).toMatchObject({
      active: true,
    });
    const refused = await callMcp(`Bearer ${issued.access_token}`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('resource_metadata=');
  });
});
