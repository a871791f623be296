import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkPushedAuthorization, privateKeyJwtClient } from '../support/pushed-authorization-contract';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-par-'));
let server: EmbeddedServer;

beforeAll(async () => {
  // The issuer is the address the server answers on: oauth4webapi discovers it, and DPoP proofs name it.
  const port = String(await freePort());
  const config = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    PORT: port,
    GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
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

function site() {
  return {
    issuer: server.url,
    admin: new GrantlineTestClient(server.url, server.adminToken),
    authorizeUrls: [server.url],
    tokenUrls: [server.url],
  };
}
