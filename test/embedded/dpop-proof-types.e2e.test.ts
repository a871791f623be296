import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';

/**
 * RFC 7517 §4: a JWK is an object. A DPoP proof whose header jwk is anything else, sent with only a
 * public client_id, is refused as the malformed proof it is (RFC 9449 §5: 400 invalid_dpop_proof),
 * not answered with a 500.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-dpop-types-'));
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
let server: EmbeddedServer;
let client: GrantlineTestClient;
let publicClientId: string;

beforeAll(async () => {
  const config = loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
  server = await startEmbeddedServer(config, createLogger('embedded-dpop-types-test', 'silent'));
  client = new GrantlineTestClient(server.url, server.adminToken);
  const registered = await client.registerClient({
    name: 'DPoP types SPA',
    public: true,
    grant_types: ['authorization_code'],
    scopes: 'read',
    redirect_uris: ['http://localhost/callback'],
  });
  publicClientId = registered.client_id;
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded: DPoP proofs whose jwk is not an object', () => {
  it.each(['x', 42, true, null])('answers 400 invalid_dpop_proof at /oauth/token to a jwk of %j', async (jwk) => {
    const proof = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${encode({ htm: 'POST' })}.c2ln`;
    const response = await client.form(
      '/oauth/token',
      {
        grant_type: 'authorization_code',
        client_id: publicClientId,
        code: 'any',
        code_verifier: 'v'.repeat(43),
        redirect_uri: 'http://localhost/callback',
      },
      { DPoP: proof },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_dpop_proof' });
  });
});
