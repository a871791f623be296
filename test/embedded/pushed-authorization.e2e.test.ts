import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { FormBrowser, pkcePair } from '@grantline/lib-testing';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkPushedAuthorization, privateKeyJwtClient } from '../support/pushed-authorization-contract';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-par-'));
let server: EmbeddedServer;

beforeAll(async () => {
  // The issuer is the address the server answers on: oauth4webapi discovers it, and DPoP proofs name it.
  // Here every client must push (RFC 9126 §5); the stack runs the same contract with the server
  // setting off, so there the client's own requirement is what refuses a request that was not pushed.
  const port = String(await freePort());
  const config = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    PORT: port,
    GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
    GRANTLINE_REQUIRE_PAR: 'true',
    LOG_LEVEL: 'silent',
  });
  server = await startEmbeddedServer(config, createLogger('par-test', 'silent'));
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: pushed authorization requests (RFC 9126)', () => {
  it('runs PAR, sign-in, consent and a DPoP-bound code with PKCE, and refuses reuse, theft and skipping the push', async () => {
    await checkPushedAuthorization(site());
  }, 60_000);

  it('runs the FAPI 2.0-shaped flow: PAR and token with private_key_jwt, PKCE and DPoP', async () => {
    const target = site();
    await checkPushedAuthorization(target, privateKeyJwtClient(target.admin));
  }, 60_000);
});

describe('embedded: GRANTLINE_REQUIRE_PAR', () => {
  it('says so in the metadata and refuses an authorization request that was not pushed, at the redirect URI', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.require_pushed_authorization_requests).toBe(true);
    const redirectUri = 'http://127.0.0.1:4997/cb';
    const app = await site().admin.registerClient({
      name: 'front-channel app',
      public: true,
      grant_types: ['authorization_code'],
      scopes: 'read',
      redirect_uris: [redirectUri],
    });
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: redirectUri,
      state: 'front',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    const answer = await new FormBrowser(server.url).get(`/oauth/authorize?${query}`);
    expect(answer.status).toBe(302);
    const location = new URL(answer.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'invalid_request', state: 'front' });
  });
});

function site() {
  return {
    issuer: server.url,
    admin: new GrantlineTestClient(server.url, server.adminToken),
    authorizeUrls: [server.url],
    tokenUrls: [server.url],
  };
}
