import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import {
  checkDynamicRegistration,
  checkNativeAppRegistration,
  INITIAL_ACCESS_TOKEN,
  REGISTRATION_SETTINGS,
} from '../support/dynamic-registration-contract';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { driftOf } from '../support/openapi-conformance';

const dataDir = mkdtempSync(join(tmpdir(), 'grantline-registration-'));
let server: EmbeddedServer;

beforeAll(async () => {
  const port = String(await freePort());
  server = await startEmbeddedServer(
    loadConfig({
      GRANTLINE_DATA_DIR: dataDir,
      PORT: port,
      GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'silent',
      ...REGISTRATION_SETTINGS,
    }),
    createLogger('registration-test', 'silent'),
  );
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: dynamic client registration (RFC 7591, RFC 7592)', () => {
  it('registers a client that works at once, and manages it with the registration access token', async () => {
    await checkDynamicRegistration(server.url, new GrantlineTestClient(server.url, server.adminToken));
  });

  it('registers a native app that signs a person in through a loopback redirect', async () => {
    await checkNativeAppRegistration(server.url, new GrantlineTestClient(server.url, server.adminToken));
  });

  it('answers as the OpenAPI description says', async () => {
    const post = (body: unknown, token?: string) =>
      fetch(`${server.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const job = { grant_types: ['client_credentials'], scope: 'read', software_id: 'openapi' };
    const created = await post(job, INITIAL_ACCESS_TOKEN);
    expect(await driftOf('post', '/oauth/register', created.clone())).toEqual([]);
    expect(await driftOf('post', '/oauth/register', await post(job))).toEqual([]);
    expect(await driftOf('post', '/oauth/register', await post({ scope: 'nope' }, INITIAL_ACCESS_TOKEN))).toEqual([]);
    const client = (await created.json()) as { registration_client_uri: string; registration_access_token: string };
    const read = await fetch(client.registration_client_uri, {
      headers: { authorization: `Bearer ${client.registration_access_token}` },
    });
    expect(read.status).toBe(200);
    expect(await driftOf('get', '/oauth/register/{client_id}', read)).toEqual([]);
    const wrong = await fetch(client.registration_client_uri, { headers: { authorization: 'Bearer wrong' } });
    expect(await driftOf('get', '/oauth/register/{client_id}', wrong)).toEqual([]);
  });
});
