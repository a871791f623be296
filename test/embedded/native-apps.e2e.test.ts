import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkRefreshWithoutRotation } from '../support/refresh-rotation-contract';
import { checkSwiftOAuthManagerReplay } from '../support/swift-replay-contract';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-native-apps-'));
let server: EmbeddedServer;
let admin: GrantlineTestClient;

beforeAll(async () => {
  const config = loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  server = await startEmbeddedServer(config, createLogger('native-apps-test', 'silent'));
  admin = new GrantlineTestClient(server.url, server.adminToken);
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: native apps and refresh tokens by client type', () => {
  it("replays the seed's iOS OAuthManager requests (a replay: Swift cannot run here)", async () => {
    await checkSwiftOAuthManagerReplay(server.url, admin);
  });

  it('lets a confidential client registered not to rotate use its refresh token again (FAPI 2.0)', async () => {
    await checkRefreshWithoutRotation(server.url, admin);
  });
});
