import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { approveDevice, followAuthorization, FormBrowser } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { seedOpenIdLog } from '../support/openid-seed';

/**
 * openid-client (a certified OpenID Connect relying party library) against the embedded server:
 * it discovers the provider, runs the code flow with PKCE, and checks every ID token itself
 * (signature by the discovered keys, iss, aud, exp, at_hash, the expected algorithm).
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

async function relyingParty(clientId: string, metadata: Partial<OpenIdClient.ClientMetadata> = {}) {
  return oidc.discovery(new URL(server.url), clientId, metadata, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** The code flow with PKCE as a person at a browser completes it; the library redeems and checks the code. */
async function signIn(config: OpenIdClient.Configuration, scope = 'openid profile email') {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const browser = new FormBrowser(server.url);
  const { callback } = await followAuthorization(browser, `${url.pathname}${url.search}`, person);
  return oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    idTokenExpected: true,
  });
}

describe('embedded: OpenID Connect with openid-client', () => {
  it('discovers the provider and gets a checked ID token, UserInfo and a new ID token on refresh', async () => {
    const app = await admin.registerClient({
      name: `openid app ${randomUUID()}`,
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'openid profile email',
      redirect_uris: [REDIRECT],
    });
    const config = await relyingParty(app.client_id);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(server.url);
    expect(metadata.userinfo_endpoint).toBe(`${server.url}/userinfo`);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256']);
    expect(metadata.subject_types_supported).toEqual(['public', 'pairwise']);

    const tokens = await signIn(config);
    const claims = tokens.claims();
    expect(claims).toMatchObject({
      iss: server.url,
      sub: userId,
      aud: app.client_id,
      azp: app.client_id,
      email: person.email,
      email_verified: true,
      preferred_username: 'ada',
      name: person.name,
    });
    expect(typeof claims?.auth_time).toBe('number');
    expect(JSON.parse(Buffer.from(tokens.id_token?.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
    });

    const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, userId);
    expect(userInfo).toMatchObject({ sub: userId, email: person.email, given_name: 'Ada', family_name: 'Lovelace' });
    // The same by POST, with the token in the form body (RFC 6750 §2.2).
    const posted = await fetch(`${server.url}/userinfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ access_token: tokens.access_token }),
    });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual(userInfo);
    // /api/user answers as before.
    expect(await (await admin.userInfo(tokens.access_token)).json()).toMatchObject({ id: userId, sub: userId });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
    expect(refreshed.claims()).toMatchObject({ sub: userId, auth_time: claims?.auth_time, aud: app.client_id });
    expect(refreshed.id_token).not.toBe(tokens.id_token);
  });

  it('refuses UserInfo to a token of a grant without openid', async () => {
    const app = await admin.registerClient({
      name: `oauth app ${randomUUID()}`,
      public: true,
      grant_types: ['authorization_code'],
      scopes: 'read',
      redirect_uris: [REDIRECT],
    });
    const config = await relyingParty(app.client_id);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'read',
      state: 's',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const { callback } = await followAuthorization(new FormBrowser(server.url), `${url.pathname}${url.search}`, person);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: 's',
    });
    expect(tokens.id_token).toBeUndefined();
    const answer = await fetch(`${server.url}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
  });

  it('signs an ES256 client’s ID tokens with ES256, which the library expects from its registration', async () => {
    const config = await relyingParty('es256-app', { id_token_signed_response_alg: 'ES256' });
    const tokens = await signIn(config, 'openid');
    expect(JSON.parse(Buffer.from(tokens.id_token?.split('.')[0] ?? '', 'base64url').toString()).alg).toBe('ES256');
    expect(tokens.claims()?.sub).toBe(userId);
    // A relying party expecting RS256 refuses it: the library does check the algorithm.
    const expectingRs256 = await relyingParty('es256-app', { id_token_signed_response_alg: 'RS256' });
    const refused = await signIn(expectingRs256, 'openid').then(
      () => null,
      (error: unknown) => error as { code?: string; cause?: unknown },
    );
    expect(refused?.cause).toMatchObject({ message: expect.stringMatching(/"alg"/) });
  });

  it('tells a pairwise client a subject of its own, the same in the ID token and at UserInfo', async () => {
    const config = await relyingParty('pairwise-app');
    const tokens = await signIn(config, 'openid email');
    const sub = tokens.claims()?.sub ?? '';
    expect(sub).not.toBe(userId);
    expect(sub).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    expect(userInfo.sub).toBe(sub);
    expect((await signIn(config, 'openid')).claims()?.sub).toBe(sub);
  });

  it('gives a device an ID token, tied to the session the person approved it in', async () => {
    const config = await relyingParty('pairwise-app');
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    const browser = new FormBrowser(server.url);
    await approveDevice(browser, { userCode: started.user_code, email: person.email, password: person.password });
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, started);
    const claims = tokens.claims();
    expect(claims).toMatchObject({ aud: 'pairwise-app', preferred_username: 'ada', amr: ['pwd'] });
    expect(typeof claims?.sid).toBe('string');
    expect(claims).not.toHaveProperty('nonce');
  });
});
