import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { repoRoot } from '@grantline/lib-infra';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-cli-'));
let server: EmbeddedServer;

/** Runs the built `grantline` CLI the way a user would, finding the admin token in the data folder. */
async function grantline(...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [join(repoRoot(), 'libs/cli/dist/main.js'), ...args], {
    env: { PATH: process.env.PATH, GRANTLINE_URL: server.url, GRANTLINE_DATA_DIR: dataDir },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  server = await startEmbeddedServer(
    loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }),
    createLogger('cli-test', 'silent'),
  );
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

it('creates, shows, lists, rotates and deletes a client against a running server', async () => {
  const created = await grantline(
    'client',
    'create',
    '--name',
    'Reporting job',
    '--grant-types',
    'client_credentials',
    '--scopes',
    'read write',
    '--client-id',
    'reporting',
    '--client-secret',
    'reporting-secret-1',
  );
  expect(created).toMatchObject({
    client_id: 'reporting',
    client_secret: 'reporting-secret-1',
    scopes: ['read', 'write'],
  });

  const http = new GrantlineTestClient(server.url, server.adminToken);
  const token = String((await http.clientCredentials('reporting', 'reporting-secret-1')).access_token);

  expect(await grantline('client', 'show', 'reporting')).toMatchObject({
    client_id: 'reporting',
    name: 'Reporting job',
  });
  expect(JSON.stringify(await grantline('client', 'show', 'reporting'))).not.toContain('secret_hash');
  const listed = (await grantline('client', 'list')) as { clients: Array<{ client_id: string }> };
  expect(listed.clients.map((client) => client.client_id)).toContain('reporting');

  const rotated = await grantline('client', 'rotate-secret', 'reporting');
  expect(rotated.client_secret).toEqual(expect.any(String));
  const refused = await http.form('/oauth/token', {
    grant_type: 'client_credentials',
    client_id: 'reporting',
    client_secret: 'reporting-secret-1',
  });
  expect(refused.status).toBe(401);
  await http.clientCredentials('reporting', String(rotated.client_secret));

  expect(await grantline('client', 'delete', 'reporting')).toEqual({ client_id: 'reporting', deleted: true });
  expect(await http.introspect(token, 'demo-client', server.demoClient?.client_secret ?? '')).toEqual({
    active: false,
  });
});

it('fails with a message, not a stack trace, for an unknown client', async () => {
  await expect(grantline('client', 'show', 'nobody')).rejects.toMatchObject({
    stderr: expect.stringContaining('404'),
  });
});
