import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkPrivateKeyJwt } from '../support/private-key-jwt-contract';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-pkjwt-'));
let server: EmbeddedServer;
let issuer: string;

beforeAll(async () => {
  const config = loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  server = await startEmbeddedServer(config, createLogger('pkjwt-test', 'silent'));
  issuer = config.GRANTLINE_ISSUER;
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: private_key_jwt client authentication (RFC 7523 §2.2)', () => {
  it('authenticates a key-registered client at token, device, introspection and revocation; refuses replays', async () => {
    await checkPrivateKeyJwt({
      baseUrl: server.url,
      issuer,
      admin: new GrantlineTestClient(server.url, server.adminToken),
      tokenReplicas: [server.url, server.url],
    });
  });
});
