import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { FormBrowser, followAuthorization } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { BoundedProcess } from '../../test/support/bounded-process';
import { GrantlineTestClient } from '../../test/support/oauth-test-client';
import { SelfRegisteringClientProvider } from './sdk-test-client';

const REDIRECT = 'http://127.0.0.1:8766/callback';
const person = { email: 'grace@example.test', name: 'Grace', password: 'correct horse battery' };
/**
 * An MCP client that has never met the server. A loopback redirect makes it a native app
 * (RFC 8252 §7.3), which it says in its metadata, beyond the members the SDK types.
 */
const NATIVE_METADATA = {
  redirect_uris: [REDIRECT],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  client_name: 'MCP client without registration',
  application_type: 'native',
} as OAuthClientMetadata;

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-mcp-dcr-'));
let grantline: EmbeddedServer;
let mcpServer: BoundedProcess;
let resource: string;

beforeAll(async () => {
  const port = String(await freePort());
  grantline = await startEmbeddedServer(
    loadConfig({
      GRANTLINE_DATA_DIR: dataDir,
      PORT: port,
      GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      GRANTLINE_REGISTRATION: 'open',
      GRANTLINE_REGISTRATION_SCOPES: 'orders:read',
    }),
    createLogger('mcp-dcr-test', 'silent'),
  );
  const admin = new GrantlineTestClient(grantline.url, grantline.adminToken);
  const mcpPort = await freePort();
  resource = `http://127.0.0.1:${mcpPort}/mcp`;
  expect(
    (await admin.admin('POST', '/admin/resources', { uri: resource, name: 'Orders MCP', scopes: 'orders:read' }))
      .status,
  ).toBe(201);
  const server = await admin.registerClient({ name: 'Orders MCP server', introspects_for: resource });
  await admin.registerUser(person);
  mcpServer = new BoundedProcess('mcp-server', process.execPath, ['server.mjs'], {
    cwd: __dirname,
    env: {
      ...process.env,
      GRANTLINE_URL: grantline.url,
      MCP_CLIENT_ID: server.client_id,
      MCP_CLIENT_SECRET: server.client_secret,
      PORT: String(mcpPort),
    },
    timeoutMs: 120_000,
  });
  await mcpServer.waitForLine(/"listening"/, 20_000);
}, 60_000);

afterAll(async () => {
  mcpServer?.kill();
  await mcpServer?.exited;
  await grantline?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('an MCP client with no pre-registration', () => {
  it("registers itself through the SDK's auth flow (RFC 7591), signs the person in and calls a tool", async () => {
    const provider = new SelfRegisteringClientProvider(REDIRECT, NATIVE_METADATA);
    // The SDK keeps only the members it knows; the registration answer itself is read here.
    const answers: Array<Record<string, unknown>> = [];
    const watching: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (new URL(String(input instanceof Request ? input.url : input)).pathname === '/oauth/register') {
        answers.push((await response.clone().json()) as Record<string, unknown>);
      }
      return response;
    };
    const transport = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider, fetch: watching });
    await expect(new Client({ name: 'test', version: '1.0.0' }).connect(transport)).rejects.toThrow(UnauthorizedError);

    // The SDK found registration_endpoint in the metadata and registered the client.
    const registered = provider.clientInformation() as OAuthClientInformationMixed & Record<string, unknown>;
    expect(answers).toHaveLength(1);
    const [answer] = answers;
    expect(answer).toMatchObject({ client_id: registered.client_id, application_type: 'native' });
    expect(registered).toMatchObject({
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT],
      scope: 'orders:read',
    });
    expect(registered).not.toHaveProperty('client_secret');
    expect(provider.authorizationUrl?.searchParams.get('client_id')).toBe(registered.client_id);

    const flow = await followAuthorization(
      new FormBrowser(grantline.url),
      provider.authorizationUrl?.toString() ?? '',
      person,
    );
    expect(flow.pages).toEqual(['sign-in', 'consent']);
    await transport.finishAuth(flow.callback.searchParams.get('code') ?? '');

    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider }));
    const called = await client.callTool({ name: 'whoami', arguments: {} });
    const [content] = called.content as { type: string; text: string }[];
    expect(JSON.parse(content?.text ?? '')).toMatchObject({ scopes: ['orders:read'] });
    await client.close();

    // RFC 7592: the client manages what it registered with the token it was given.
    const read = await fetch(String(answer?.registration_client_uri), {
      headers: { authorization: `Bearer ${String(answer?.registration_access_token)}` },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_id: registered.client_id });
  });
});
