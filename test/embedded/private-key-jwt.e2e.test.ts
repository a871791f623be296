import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { fetchSettingsFor, JwksServer } from '../support/jwks-server';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkPrivateKeyJwt, type PrivateKeyJwtTarget } from '../support/private-key-jwt-contract';
import { checkPrivateKeyJwtByJwksUri } from '../support/private-key-jwt-uri-contract';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-pkjwt-'));
let server: EmbeddedServer;
let jwks: JwksServer;
let target: PrivateKeyJwtTarget;

beforeAll(async () => {
  jwks = await JwksServer.start();
  const config = loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...fetchSettingsFor(jwks) });
  server = await startEmbeddedServer(config, createLogger('pkjwt-test', 'silent'));
  target = {
    baseUrl: server.url,
    issuer: config.GRANTLINE_ISSUER,
    admin: new GrantlineTestClient(server.url, server.adminToken),
    tokenReplicas: [server.url, server.url],
  };
});

afterAll(async () => {
  await server?.close();
  await jwks?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: private_key_jwt client authentication (RFC 7523 §2.2)', () => {
  it('authenticates a key-registered client at token, device, introspection and revocation; refuses replays', async () => {
    await checkPrivateKeyJwt(target);
  });

  it('fetches the keys of a jwks_uri client through the guarded fetcher, keeps them, and takes new keys', async () => {
    await checkPrivateKeyJwtByJwksUri(target, jwks);
  });
});
