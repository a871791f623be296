import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { checkWorkloadTokens, startWorkloadIssuers, type WorkloadIssuers } from '../support/jwt-bearer-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-jwt-bearer-'));
let issuers: WorkloadIssuers;
let server: EmbeddedServer;

beforeAll(async () => {
  issuers = await startWorkloadIssuers();
  const config = loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', ...issuers.env });
  server = await startEmbeddedServer(config, createLogger('jwt-bearer-test', 'silent'));
});

afterAll(async () => {
  await server?.close();
  await issuers?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: a workload’s token with no secret (JWT bearer grant, RFC 7523 §2.1)', () => {
  it('exchanges service-account tokens of trusted clusters, keys written down or fetched, and refuses the rest', async () => {
    await checkWorkloadTokens(server.url, new GrantlineTestClient(server.url, server.adminToken), issuers);
  });
});
