import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { FormBrowser, obtainTokens } from '@grantline/lib-testing';
import { startEmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

/** A running embedded server with what a fuzz run authenticates as, seeded through the admin API. */
export interface FuzzTarget {
  url: string;
  /** The embedded server's event log: one JSON event per line. */
  eventLog: string;
  confidential: { client_id: string; client_secret: string };
  publicClientId: string;
  /** A user's access token with the `personal-access-tokens` scope. */
  userToken: string;
  close(): Promise<void>;
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'grantline-fuzz-'));
  const server = await startEmbeddedServer(
    loadConfig({ GRANTLINE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }),
    createLogger('fuzz', 'silent'),
  );
  const close = async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const admin = new GrantlineTestClient(server.url, server.adminToken);
    const confidential = await admin.registerClient({
      name: 'Fuzz confidential client',
      grant_types: ['client_credentials', DEVICE_CODE, 'refresh_token'],
      scopes: 'read write',
    });
    const publicClientId = (
      await admin.registerClient({
        name: 'Fuzz public client',
        public: true,
        grant_types: ['authorization_code', 'refresh_token', DEVICE_CODE],
        scopes: 'read personal-access-tokens',
        redirect_uris: [REDIRECT],
      })
    ).client_id;
    const email = `fuzz.${randomBytes(4).toString('hex')}@example.test`;
    const password = randomBytes(12).toString('base64url');
    await admin.registerUser({ email, name: 'Fuzz User', password });
    const { access_token: userToken } = await obtainTokens(new FormBrowser(server.url), {
      clientId: publicClientId,
      redirectUri: REDIRECT,
      email,
      password,
      scope: 'read personal-access-tokens',
    });
    return {
      url: server.url,
      eventLog: join(dataDir, 'log', 'events.jsonl'),
      confidential,
      publicClientId,
      userToken,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
