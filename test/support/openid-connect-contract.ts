import { randomUUID } from 'node:crypto';
import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };
import { approveDevice, followAuthorization, FormBrowser } from '@grantline/lib-testing';
import type { GrantlineTestClient } from './oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4997/callback';

/** Where the relying party finds the provider (its issuer) and how clients and people are registered. */
export interface OpenIdSite {
  issuer: string;
  admin: GrantlineTestClient;
}

/** A relying party of openid-client for a public client of the site, told to accept http on loopback. */
export async function relyingParty(
  oidc: typeof OpenIdClient,
  issuer: string,
  clientId: string,
  metadata: Partial<OpenIdClient.ClientMetadata> = {},
): Promise<OpenIdClient.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, metadata, oidc.None(), { execute: [oidc.allowInsecureRequests] });
}

/**
 * The code flow with PKCE as a person at a browser completes it; openid-client redeems the code
 * and checks the ID token (signature by the discovered keys, iss, aud, exp, at_hash, algorithm).
 */
export async function signIn(
  oidc: typeof OpenIdClient,
  config: OpenIdClient.Configuration,
  person: { email: string; password: string },
  scope = 'openid profile email',
  redirectUri = REDIRECT,
  dpop?: OpenIdClient.DPoPHandle,
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const openid = scope.split(' ').includes('openid');
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    state,
    ...(openid ? { nonce } : {}),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const browser = new FormBrowser(config.serverMetadata().issuer);
  const { callback } = await followAuthorization(browser, `${url.pathname}${url.search}`, person);
  // openid-client checks that the ID token echoes the nonce.
  return oidc.authorizationCodeGrant(
    config,
    callback,
    {
      pkceCodeVerifier: verifier,
      expectedState: state,
      ...(openid ? { idTokenExpected: true, expectedNonce: nonce } : {}),
    },
    undefined,
    dpop === undefined ? undefined : { DPoP: dpop },
  );
}

/**
 * What every mode must do for a relying party with default settings (RS256, public subjects):
 * discovery, the code flow with a checked ID token, UserInfo by GET and POST, a new ID token at
 * each refresh, UserInfo refused without `openid`, and the device flow's ID token.
 */
export function describeOpenIdConnectContract(mode: string, site: () => OpenIdSite): void {
  describe(`${mode}: OpenID Connect with openid-client`, () => {
    // Published as an ES module only: loaded in beforeAll.
    let oidc: typeof OpenIdClient;
    let person: { email: string; name: string; password: string; userId: string };
    let app: { client_id: string };

    beforeAll(async () => {
      oidc = await import('openid-client');
      const email = `oidc-${randomUUID()}@example.test`;
      const registered = { email, name: 'Grace Hopper', password: 'compiler pioneer password' };
      const { user_id: userId } = await site().admin.registerUser(registered);
      person = { ...registered, userId };
      app = await site().admin.registerClient({
        name: `openid app ${randomUUID()}`,
        public: true,
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        scopes: 'openid profile email',
        redirect_uris: [REDIRECT],
      });
    });

    it('lets browser apps of any origin read discovery and the keys, without credentials', async () => {
      const { issuer } = site();
      const origin = { Origin: 'https://spa.example.test' };
      for (const path of [
        '/.well-known/openid-configuration',
        '/.well-known/oauth-authorization-server',
        '/.well-known/jwks.json',
      ]) {
        const read = await fetch(`${issuer}${path}`, { headers: origin });
        expect({ path, status: read.status, allowed: read.headers.get('access-control-allow-origin') }).toEqual({
          path,
          status: 200,
          allowed: '*',
        });
        expect(read.headers.get('access-control-allow-credentials')).toBeNull();
      }
      // A client that sends its own header (an MCP client's protocol version) asks first.
      const preflight = await fetch(`${issuer}/.well-known/oauth-authorization-server`, {
        method: 'OPTIONS',
        headers: {
          ...origin,
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'mcp-protocol-version',
        },
      });
      expect(preflight.status).toBe(204);
      expect(Object.fromEntries([...preflight.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual(
        {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET',
          'access-control-allow-headers': 'mcp-protocol-version',
          'access-control-max-age': '86400',
        },
      );
    });

    it('discovers the provider and gets a checked ID token, UserInfo and a new ID token on refresh', async () => {
      const { issuer } = site();
      const config = await relyingParty(oidc, issuer, app.client_id);
      const metadata = config.serverMetadata();
      expect(metadata).toMatchObject({ issuer, userinfo_endpoint: `${issuer}/userinfo` });
      expect(metadata.id_token_signing_alg_values_supported?.[0]).toBe('RS256');
      // Both modes make a pairwise salt of their own when none is set, so pairwise clients work.
      expect(metadata.subject_types_supported).toEqual(['public', 'pairwise']);

      const tokens = await signIn(oidc, config, person);
      const claims = tokens.claims();
      expect(claims).toMatchObject({
        iss: issuer,
        sub: person.userId,
        aud: app.client_id,
        azp: app.client_id,
        email: person.email,
        email_verified: false,
        name: person.name,
      });
      expect(typeof claims?.auth_time).toBe('number');
      expect(claims?.nonce).toEqual(expect.any(String));
      // Tied to the browser session the person signed in with, and how they proved who they are.
      expect(claims?.sid).toEqual(expect.any(String));
      expect(claims?.amr).toEqual(['pwd']);
      const header = JSON.parse(Buffer.from(tokens.id_token?.split('.')[0] ?? '', 'base64url').toString()) as object;
      expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });

      const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, person.userId);
      expect(userInfo).toMatchObject({ sub: person.userId, email: person.email, name: person.name });
      // The same by POST, with the token in the form body (RFC 6750 §2.2).
      const posted = await fetch(`${issuer}/userinfo`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ access_token: tokens.access_token }),
      });
      expect(posted.status).toBe(200);
      expect(await posted.json()).toEqual(userInfo);
      // /api/user answers as before.
      const apiUser = await site().admin.userInfo(tokens.access_token);
      expect(await apiUser.json()).toMatchObject({ id: person.userId, sub: person.userId });

      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
      expect(refreshed.claims()).toMatchObject({
        sub: person.userId,
        aud: app.client_id,
        auth_time: claims?.auth_time,
      });
      expect(refreshed.id_token).not.toBe(tokens.id_token);
      // OpenID Connect Core §12.2: the same session, and no nonce in a refreshed ID token.
      expect(refreshed.claims()?.sid).toBe(claims?.sid);
      expect(refreshed.claims()).not.toHaveProperty('nonce');
    });

    it('answers no ID token without openid, and refuses such a token at UserInfo', async () => {
      const { issuer } = site();
      const config = await relyingParty(oidc, issuer, app.client_id);
      const tokens = await signIn(oidc, config, person, 'profile email');
      expect(tokens.id_token).toBeUndefined();
      const answer = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(answer.status).toBe(403);
      expect(answer.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    });

    it('answers UserInfo for a DPoP-bound token only with a proof by its key (RFC 9449 §7)', async () => {
      const { issuer } = site();
      const config = await relyingParty(oidc, issuer, app.client_id);
      const dpop = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
      const tokens = await signIn(oidc, config, person, 'openid email', REDIRECT, dpop);
      expect(tokens.token_type.toLowerCase()).toBe('dpop');
      const userInfo = await oidc.fetchUserInfo(config, tokens.access_token, person.userId, { DPoP: dpop });
      expect(userInfo).toMatchObject({ sub: person.userId, email: person.email });
      // The same token as a bearer token, without the proof, is refused.
      const bearer = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(bearer.status).toBe(401);
    });

    it('gives a device an ID token, tied to the session the person approved it in', async () => {
      const { issuer } = site();
      const config = await relyingParty(oidc, issuer, app.client_id);
      const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile' });
      await approveDevice(new FormBrowser(issuer), {
        userCode: started.user_code,
        email: person.email,
        password: person.password,
      });
      const tokens = await oidc.pollDeviceAuthorizationGrant(config, started);
      const claims = tokens.claims();
      expect(claims).toMatchObject({ sub: person.userId, aud: app.client_id, name: person.name, amr: ['pwd'] });
      expect(typeof claims?.sid).toBe('string');
      expect(claims).not.toHaveProperty('email');
    });
  });
}
