import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { describeDeviceFlowContract, type DeviceFlowSettings } from '../support/device-flow-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';

const settings: DeviceFlowSettings = {
  pollIntervalSeconds: 1,
  codeTtlSeconds: 600,
  userCodeLimitPerBrowser: 3,
  userCodeLimitPerAddress: 8,
};
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-device-'));
let server: EmbeddedServer;
let client: GrantlineTestClient;

beforeAll(async () => {
  const config = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    GRANTLINE_DEVICE_POLL_INTERVAL: String(settings.pollIntervalSeconds),
    GRANTLINE_DEVICE_CODE_TTL: String(settings.codeTtlSeconds),
    GRANTLINE_USER_CODE_LIMIT_PER_BROWSER: String(settings.userCodeLimitPerBrowser),
    GRANTLINE_USER_CODE_LIMIT_PER_ADDRESS: String(settings.userCodeLimitPerAddress),
  });
  server = await startEmbeddedServer(config, createLogger('embedded-device-test', 'silent'));
  client = new GrantlineTestClient(server.url, server.adminToken);
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describeDeviceFlowContract('embedded', () => client, settings);
