import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { approveDevice, FormBrowser } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { describeOpenIdConnectContract, relyingParty, signIn } from '../support/openid-connect-contract';
import { seedOpenIdLog } from '../support/openid-seed';

/**
 * openid-client (a certified OpenID Connect relying party library) against the embedded server:
 * the contract every mode runs, and the clients with OpenID settings of their own (an ES256 one,
 * a pairwise one), written into the log before start while the admin API does not take them.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-openid-'));
const REDIRECT = 'http://127.0.0.1:4997/callback';
const person = {
  email: `ada-${randomUUID()}@example.test`,
  name: 'Ada Lovelace',
  password: 'analytical engine password',
  profile: { preferredUsername: 'ada', emailVerified: true, givenName: 'Ada', familyName: 'Lovelace' },
};
// Published as an ES module only: loaded in beforeAll.
let oidc: typeof OpenIdClient;
let server: EmbeddedServer;
let admin: GrantlineTestClient;
let userId: string;

beforeAll(async () => {
  oidc = await import('openid-client');
  // Clients whose OpenID settings the admin API does not take yet are in the log before start.
  const seeded = await seedOpenIdLog(dataDir, {
    clients: [
      { clientId: 'es256-app', redirectUri: REDIRECT, openid: { idTokenSignedResponseAlg: 'ES256' } },
      { clientId: 'pairwise-app', redirectUri: REDIRECT, openid: { subjectType: 'pairwise' } },
    ],
    users: [person],
  });
  userId = seeded.get(person.email) ?? '';
  const port = String(await freePort());
  const config = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    PORT: port,
    GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
    GRANTLINE_PAIRWISE_SALT: 'a pairwise salt of at least thirty-two characters',
    GRANTLINE_DEVICE_POLL_INTERVAL: '1',
    LOG_LEVEL: 'silent',
  });
  server = await startEmbeddedServer(config, createLogger('openid-test', 'silent'));
  admin = new GrantlineTestClient(server.url, server.adminToken);
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const site = () => ({ issuer: server.url, admin });
describeOpenIdConnectContract('embedded', site);

describe('embedded: /userinfo methods', () => {
  it('takes GET and POST, says so to other methods, and answers CORS preflights for registered web origins', async () => {
    const put = await fetch(`${server.url}/userinfo`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, OPTIONS');
    const origin = `http://127.0.0.1:${4000 + Math.floor(Math.random() * 900)}`;
    await admin.registerClient({
      name: `spa ${randomUUID()}`,
      public: true,
      grant_types: ['authorization_code'],
      scopes: 'openid',
      redirect_uris: [`${origin}/cb`],
      web_origins: [origin],
    });
    const preflight = await fetch(`${server.url}/userinfo`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
  });
});

describe('embedded: OpenID Connect clients with their own settings', () => {
  it('tells a seeded person’s profile in the ID token and at UserInfo', async () => {
    const app = await admin.registerClient({
      name: `profile app ${randomUUID()}`,
      public: true,
      grant_types: ['authorization_code'],
      scopes: 'openid profile email',
      redirect_uris: [REDIRECT],
    });
    const config = await relyingParty(oidc, server.url, app.client_id);
    const tokens = await signIn(oidc, config, person, 'openid profile email', REDIRECT);
    expect(tokens.claims()).toMatchObject({ sub: userId, email_verified: true, preferred_username: 'ada' });
    const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, userId);
    expect(userInfo).toMatchObject({ given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada' });
  });

  it('signs an ES256 client’s ID tokens with ES256, which the library expects from its registration', async () => {
    const config = await relyingParty(oidc, server.url, 'es256-app', { id_token_signed_response_alg: 'ES256' });
    const tokens = await signIn(oidc, config, person, 'openid', REDIRECT);
    expect(JSON.parse(Buffer.from(tokens.id_token?.split('.')[0] ?? '', 'base64url').toString()).alg).toBe('ES256');
    expect(tokens.claims()?.sub).toBe(userId);
    // A relying party expecting RS256 refuses it: the library does check the algorithm.
    const expectingRs256 = await relyingParty(oidc, server.url, 'es256-app', { id_token_signed_response_alg: 'RS256' });
    const refused = await signIn(oidc, expectingRs256, person, 'openid', REDIRECT).then(
      () => null,
      (error: unknown) => error as { cause?: unknown },
    );
    expect(refused?.cause).toMatchObject({ message: expect.stringMatching(/"alg"/) });
  });

  it('tells a pairwise client a subject of its own, the same in the ID token and at UserInfo', async () => {
    const config = await relyingParty(oidc, server.url, 'pairwise-app');
    const tokens = await signIn(oidc, config, person, 'openid email', REDIRECT);
    const sub = tokens.claims()?.sub ?? '';
    expect(sub).not.toBe(userId);
    expect(sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    expect(userInfo.sub).toBe(sub);
    expect((await signIn(oidc, config, person, 'openid', REDIRECT)).claims()?.sub).toBe(sub);
    // The device flow tells it the same subject.
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' });
    await approveDevice(new FormBrowser(server.url), {
      userCode: started.user_code,
      email: person.email,
      password: person.password,
    });
    expect((await oidc.pollDeviceAuthorizationGrant(config, started)).claims()?.sub).toBe(sub);
  });
});
