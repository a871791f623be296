import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as OAuth from 'oauth4webapi' with { 'resolution-mode': 'import' };
import { loadConfig } from '@grantline/lib-config';
import { freePort } from '@grantline/lib-infra';
import { createLogger } from '@grantline/lib-http';
import { authorize, FormBrowser } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { checkAudienceRestrictedIntrospection } from '../support/introspection-audience-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';

const ORDERS = 'https://orders.example.test/mcp';
const BILLING = 'https://billing.example.test/api';
const REDIRECT = 'http://127.0.0.1:8765/callback';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-resources-'));
let server: EmbeddedServer;
let admin: GrantlineTestClient;
// oauth4webapi ships ES modules only: loaded with import() into this CommonJS test.
let oauth: typeof OAuth;
let insecure: { [OAuth.allowInsecureRequests]: boolean };
let as: OAuth.AuthorizationServer;
let machine: { client_id: string; client_secret: string };
const person = { email: 'rosa@example.test', name: 'Rosa', password: 'correct horse battery' };

/** The claims of one of our access tokens, as a resource server reads them after verifying it. */
function claimsOf(token: string): { aud: string | string[]; scope: string } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { aud: string; scope: string };
}

/** The RFC 6749 §5.2 error the client library reports for a refused request. */
async function refusedWith(request: Promise<unknown>): Promise<string> {
  try {
    await request;
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) return error.error;
    throw error;
  }
  throw new Error('the request was not refused');
}

beforeAll(async () => {
  oauth = await import('oauth4webapi');
  insecure = { [oauth.allowInsecureRequests]: true };
  // The issuer must be the address the server answers on: the client library discovers it.
  const port = String(await freePort());
  const config = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    PORT: port,
    GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'silent',
  });
  server = await startEmbeddedServer(config, createLogger('resources-test', 'silent'));
  admin = new GrantlineTestClient(server.url, server.adminToken);
  for (const resource of [
    { uri: ORDERS, name: 'Orders MCP', scopes: 'orders:read orders:write' },
    { uri: BILLING, name: 'Billing API', scopes: 'billing:read' },
  ]) {
    expect((await admin.admin('POST', '/admin/resources', resource)).status).toBe(201);
  }
  machine = await admin.registerClient({
    name: 'reporting job',
    scopes: 'read orders:read billing:read',
    resources: [ORDERS, BILLING],
  });
  await admin.registerUser(person);
  const issuer = new URL(server.url);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { ...insecure, algorithm: 'oauth2' }),
  );
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: registered resources (RFC 8707) with oauth4webapi', () => {
  it('lists, shows, updates and refuses to delete a resource a client names', async () => {
    const listed = (await (await admin.admin('GET', '/admin/resources')).json()) as {
      resources: Array<{ uri: string }>;
    };
    expect(listed.resources.map((resource) => resource.uri)).toEqual([BILLING, ORDERS]);
    const path = `/admin/resources/${encodeURIComponent(ORDERS)}`;
    expect(await (await admin.admin('GET', path)).json()).toMatchObject({ uri: ORDERS, name: 'Orders MCP' });
    expect((await admin.admin('DELETE', path)).status).toBe(409);
    const billing = `/admin/resources/${encodeURIComponent(BILLING)}`;
    const renamed = await admin.admin('PATCH', billing, { name: 'Billing' });
    expect(await renamed.json()).toMatchObject({ uri: BILLING, name: 'Billing', scopes: ['billing:read'] });
    const unknown = await admin.admin('POST', '/admin/clients', { name: 'x', resources: ['urn:example:nobody'] });
    expect(unknown.status).toBe(400);
  });

  it('issues a client_credentials token for the resources asked for, and refuses others', async () => {
    const client: OAuth.Client = { client_id: machine.client_id };
    const auth = oauth.ClientSecretPost(machine.client_secret);
    const ask = async (resources: string[]) => {
      const parameters = new URLSearchParams(resources.map((uri): [string, string] => ['resource', uri]));
      const response = await oauth.clientCredentialsGrantRequest(as, client, auth, parameters, insecure);
      return oauth.processClientCredentialsResponse(as, client, response);
    };
    const both = await ask([ORDERS, BILLING]);
    expect(claimsOf(both.access_token)).toMatchObject({ aud: [ORDERS, BILLING], scope: 'orders:read billing:read' });
    const one = await ask([BILLING]);
    expect(claimsOf(one.access_token)).toMatchObject({ aud: BILLING, scope: 'billing:read' });
    expect(await refusedWith(ask(['https://elsewhere.example.test/']))).toBe('invalid_target');
    // Without resource, the token is what it always was.
    expect(claimsOf((await ask([])).access_token)).toMatchObject({ aud: as.issuer });
  });

  it('signs a person in for one resource, names it on the consent page, and narrows on refresh', async () => {
    const app = await admin.registerClient({
      name: 'Orders assistant',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'orders:read orders:write billing:read',
      redirect_uris: [REDIRECT],
    });
    const client: OAuth.Client = { client_id: app.client_id, token_endpoint_auth_method: 'none' };
    const browser = new FormBrowser(server.url);
    const consentPages: string[] = [];
    const submit = browser.submit.bind(browser);
    browser.submit = async (html, values) => {
      if (html.includes('name="decision"')) consentPages.push(html);
      return submit(html, values);
    };
    const flow = await authorize(browser, {
      clientId: app.client_id,
      redirectUri: REDIRECT,
      email: person.email,
      password: person.password,
      scope: 'orders:read billing:read',
      extra: { resource: ORDERS },
    });
    expect(consentPages.join('')).toContain('Orders MCP');
    const callback = oauth.validateAuthResponse(as, client, flow.callback, 'state-123');
    const redeemed = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT, flow.verifier, {
        ...insecure,
        additionalParameters: [['resource', ORDERS]],
      }),
    );
    expect(claimsOf(redeemed.access_token)).toMatchObject({ aud: ORDERS, scope: 'orders:read' });

    // The grant holds Orders only: a refresh for Billing is refused and changes nothing.
    const refresh = (resource: string[]) =>
      oauth
        .refreshTokenGrantRequest(as, client, oauth.None(), redeemed.refresh_token ?? '', {
          ...insecure,
          additionalParameters: resource.map((uri) => ['resource', uri]),
        })
        .then((response) => oauth.processRefreshTokenResponse(as, client, response));
    expect(await refusedWith(refresh([BILLING]))).toBe('invalid_target');
    const next = await refresh([ORDERS]);
    expect(claimsOf(next.access_token)).toMatchObject({ aud: ORDERS, scope: 'orders:read' });

    // The consent is remembered for Orders, not for Billing.
    const again = { clientId: app.client_id, redirectUri: REDIRECT, email: person.email, password: person.password };
    const orders = await authorize(browser, { ...again, scope: 'orders:read', extra: { resource: ORDERS } });
    expect(orders.pages).toEqual([]);
    const billing = await authorize(browser, { ...again, scope: 'billing:read', extra: { resource: BILLING } });
    expect(billing.pages).toEqual(['consent']);
    expect(consentPages.at(-1)).toContain('<span class="resource-name">Billing</span>');
  });

  it('answers invalid_target at the redirect URI for a resource the server does not know', async () => {
    const app = await admin.registerClient({
      name: 'Lost app',
      public: true,
      grant_types: ['authorization_code'],
      redirect_uris: [REDIRECT],
    });
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: REDIRECT,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      resource: 'https://nobody.example.test/',
    });
    const response = await fetch(`${server.url}/oauth/authorize?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('invalid_target');
  });

  it('tells a client linked to a resource only about tokens meant for it (RFC 7662 §4)', async () => {
    await checkAudienceRestrictedIntrospection(server.url, admin);
  });
});
