import { randomBytes } from 'node:crypto';
import {
  authorize,
  codeExchange,
  codeOf,
  FormBrowser,
  obtainTokens,
  pkcePair,
  refresh,
  tokenRequest,
} from '@grantline/lib-testing';
import type { GrantlineTestClient } from './oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4999/oauth/callback';
const ORIGIN = 'http://127.0.0.1:4999';

/**
 * The authorization code flow as the seed's web, SPA and mobile clients use it, with the
 * attacks and mistakes a production server must refuse, run against both modes.
 */
export function describeAuthorizationCodeContract(name: string, client: () => GrantlineTestClient): void {
  describe(`${name}: authorization code with PKCE, refresh rotation, /api/user`, () => {
    const password = 'correct horse battery staple';
    let email: string;
    let userId: string;
    let spa: string;
    let web: { client_id: string; client_secret: string };
    let resourceServer: { client_id: string; client_secret: string };
    const base = () => client().baseUrl;
    const browser = () => new FormBrowser(base());
    const login = (overrides: Partial<Parameters<typeof authorize>[1]> = {}) => ({
      clientId: spa,
      redirectUri: REDIRECT,
      email,
      password,
      scope: 'read write',
      ...overrides,
    });
    /** An authorization request for the SPA client with a fresh S256 challenge, overridable. */
    const authorizePath = (params: Record<string, string> = {}) =>
      '/oauth/authorize?' +
      new URLSearchParams({
        response_type: 'code',
        client_id: spa,
        redirect_uri: REDIRECT,
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        ...params,
      }).toString();
    /** The SPA client as a code exchange names it (registered in beforeAll). */
    const spaClient = () => ({ clientId: spa, redirectUri: REDIRECT });
    const introspect = (token: string) =>
      client().introspect(token, resourceServer.client_id, resourceServer.client_secret);

    beforeAll(async () => {
      email = `ada.${randomBytes(4).toString('hex')}@example.test`;
      userId = (await client().registerUser({ email, name: 'Ada Lovelace', password })).user_id;
      spa = (
        await client().registerClient({
          name: 'Contract SPA',
          public: true,
          grant_types: ['authorization_code', 'refresh_token'],
          scopes: 'read write',
          redirect_uris: [REDIRECT, 'http://localhost/callback'],
          web_origins: [ORIGIN],
        })
      ).client_id;
      web = await client().registerClient({
        name: 'Contract web app',
        grant_types: ['authorization_code', 'refresh_token'],
        scopes: 'read write',
        redirect_uris: ['https://app.example.test/oauth/callback'],
      });
      resourceServer = await client().registerClient({ name: 'Contract API', grant_types: ['client_credentials'] });
    });

    it('redirects a request without code_challenge with the exact PKCE error (the seed test)', async () => {
      const response = await browser().get(
        '/oauth/authorize?' +
          new URLSearchParams({ response_type: 'code', client_id: spa, redirect_uri: 'http://localhost/callback' }),
      );
      expect(response.status).toBe(302);
      const location = response.headers.get('location') ?? '';
      expect(location).toContain('error=invalid_request');
      expect(location).toContain('PKCE+code_challenge+is+required');
      expect(new URL(location).searchParams.get('iss')).toBeTruthy();
    });

    it('runs the whole flow: sign-in, consent, code, tokens, /api/user, refresh', async () => {
      const agent = browser();
      const result = await authorize(agent, login());
      expect(result.pages).toEqual(['sign-in', 'consent']);
      expect(result.callback.origin + result.callback.pathname).toBe(REDIRECT);
      expect(result.callback.searchParams.get('state')).toBe('state-123');
      expect(result.callback.searchParams.get('iss')).toBe(await issuer(base()));
      const exchange = await tokenRequest(base(), codeExchange(result, spaClient()));
      expect(exchange.status).toBe(200);
      expect(exchange.headers.get('cache-control')).toBe('no-store');
      const tokens = exchange.body;
      expect(tokens).toEqual(
        expect.objectContaining({ token_type: 'Bearer', scope: 'read write', refresh_token: expect.any(String) }),
      );
      const me = await client().userInfo(String(tokens.access_token));
      expect(me.status).toBe(200);
      expect(await me.json()).toEqual(
        expect.objectContaining({ id: userId, sub: userId, email, name: 'Ada Lovelace' }),
      );
      expect(await introspect(String(tokens.access_token))).toEqual(
        expect.objectContaining({ active: true, sub: userId, client_id: spa, scope: 'read write', username: email }),
      );

      const rotated = await refresh(base(), spa, String(tokens.refresh_token), { scope: 'read' });
      expect(rotated.status).toBe(200);
      expect(rotated.body.scope).toBe('read');
      expect(rotated.body.refresh_token).not.toBe(tokens.refresh_token);
      // Consent is remembered: a second authorization goes straight back with a code.
      const again = await authorize(agent, login());
      expect(again.pages).toEqual([]);
      expect(again.callback.searchParams.get('code')).toBeTruthy();
    });

    it('accepts a confidential client authenticating with its secret, and a 128-character verifier', async () => {
      const { verifier, challenge } = pkcePair(96);
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{128}$/);
      expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const agent = browser();
      const result = await authorize(agent, {
        ...login({ clientId: web.client_id, redirectUri: 'https://app.example.test/oauth/callback' }),
        extra: { code_challenge: challenge },
      });
      const params = codeExchange(
        { ...result, verifier },
        { clientId: web.client_id, redirectUri: 'https://app.example.test/oauth/callback' },
      );
      expect((await tokenRequest(base(), params)).status).toBe(401);
      const exchanged = await tokenRequest(base(), { ...params, client_secret: web.client_secret });
      expect(exchanged.status).toBe(200);
    });

    it('refuses a replayed code and revokes every token issued from its first use', async () => {
      const result = await authorize(browser(), login());
      const params = codeExchange(result, spaClient());
      const first = await tokenRequest(base(), params);
      expect(first.status).toBe(200);
      const replay = await tokenRequest(base(), params);
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');
      expect(await introspect(String(first.body.access_token))).toEqual({ active: false });
      expect((await refresh(base(), spa, String(first.body.refresh_token))).body.error).toBe('invalid_grant');
      expect((await client().userInfo(String(first.body.access_token))).status).toBe(401);
    });

    it('refuses a wrong or missing verifier and a redirect_uri mismatch without using up the code', async () => {
      const result = await authorize(browser(), login());
      const params = codeExchange(result, spaClient());
      const wrong = await tokenRequest(base(), { ...params, code_verifier: pkcePair().verifier });
      expect([wrong.status, wrong.body.error]).toEqual([400, 'invalid_grant']);
      const { code_verifier: _omitted, ...withoutVerifier } = params;
      const missing = await tokenRequest(base(), withoutVerifier);
      expect([missing.status, missing.body.error]).toEqual([400, 'invalid_request']);
      const elsewhere = await tokenRequest(base(), { ...params, redirect_uri: 'http://127.0.0.1:4999/other' });
      expect([elsewhere.status, elsewhere.body.error]).toEqual([400, 'invalid_grant']);
      const otherClient = await tokenRequest(base(), {
        ...params,
        client_id: web.client_id,
        client_secret: web.client_secret,
      });
      expect([otherClient.status, otherClient.body.error]).toEqual([400, 'invalid_grant']);
      expect((await tokenRequest(base(), params)).status).toBe(200);
    });

    it('accepts only S256 and validates the request before asking anyone to sign in', async () => {
      const ask = (params: Record<string, string>) => browser().get(authorizePath({ state: 'xyz', ...params }));
      const errorOf = async (params: Record<string, string>) => {
        const response = await ask(params);
        expect(response.status).toBe(302);
        const location = new URL(response.headers.get('location') ?? '');
        expect(location.origin + location.pathname).toBe(REDIRECT);
        expect(location.searchParams.get('state')).toBe('xyz');
        return location.searchParams.get('error');
      };
      expect(await errorOf({ code_challenge_method: 'plain' })).toBe('invalid_request');
      expect(await errorOf({ response_type: 'token' })).toBe('unsupported_response_type');
      expect(await errorOf({ scope: 'admin' })).toBe('invalid_scope');
      expect(await errorOf({ code_challenge: 'short' })).toBe('invalid_request');
      expect(await errorOf({ prompt: 'none' })).toBe('login_required');
    });

    it('never redirects for an unknown client or an unregistered redirect URI', async () => {
      const attempts = [
        { client_id: 'no-such-client', redirect_uri: REDIRECT },
        { client_id: spa, redirect_uri: 'https://evil.example/callback' },
        { client_id: spa, redirect_uri: `${REDIRECT}/../../evil` },
        { client_id: spa, redirect_uri: `${REDIRECT}.evil.example` },
        { client_id: spa, redirect_uri: `${REDIRECT}?next=https://evil.example` },
        { client_id: spa, redirect_uri: 'http://127.0.0.1.evil.example:4999/oauth/callback' },
        { client_id: spa, redirect_uri: 'http://LOCALHOST/callback' },
      ];
      for (const attempt of attempts) {
        const response = await browser().get(authorizePath(attempt));
        expect([attempt.redirect_uri, response.status, response.headers.get('location')]).toEqual([
          attempt.redirect_uri,
          400,
          null,
        ]);
        expect(response.headers.get('content-type')).toContain('text/html');
      }
    });

    it('returns native apps to their private-use URI scheme (the seed iOS and Android apps)', async () => {
      const native = await client().registerClient({
        name: 'Contract mobile app',
        public: true,
        grant_types: ['authorization_code', 'refresh_token'],
        scopes: 'read write',
        redirect_uris: ['yourapp://oauth/callback'],
      });
      const result = await authorize(
        browser(),
        login({ clientId: native.client_id, redirectUri: 'yourapp://oauth/callback' }),
      );
      expect(result.callback.protocol).toBe('yourapp:');
      const exchanged = await tokenRequest(
        base(),
        codeExchange(result, { clientId: native.client_id, redirectUri: 'yourapp://oauth/callback' }),
      );
      expect(exchanged.status).toBe(200);
      const refreshed = await refresh(base(), native.client_id, String(exchanged.body.refresh_token));
      expect(refreshed.status).toBe(200);
    });

    it('takes a loopback redirect on any port (RFC 8252 §7.3)', async () => {
      const result = await authorize(browser(), login({ redirectUri: 'http://127.0.0.1:61234/oauth/callback' }));
      expect(result.callback.port).toBe('61234');
      expect(codeOf(result)).toBeTruthy();
    });

    it('redirects with access_denied when the user denies consent', async () => {
      const fresh = `deny.${randomBytes(4).toString('hex')}@example.test`;
      await client().registerUser({ email: fresh, name: 'Denise', password });
      const result = await authorize(browser(), login({ email: fresh, decision: 'deny', state: 's-deny' }));
      expect(result.callback.searchParams.get('error')).toBe('access_denied');
      expect(result.callback.searchParams.get('state')).toBe('s-deny');
      expect(result.callback.searchParams.get('code')).toBeNull();
    });

    it('ends the sign-in session when the password changes', async () => {
      const fresh = `pw.${randomBytes(4).toString('hex')}@example.test`;
      const created = await client().registerUser({ email: fresh, name: 'Pat', password });
      const agent = browser();
      expect((await authorize(agent, login({ email: fresh }))).pages).toEqual(['sign-in', 'consent']);
      expect((await authorize(agent, login({ email: fresh }))).pages).toEqual([]);
      const changed = await client().admin('POST', `/admin/users/${created.user_id}/password`, {
        password: 'a brand new password',
      });
      expect(changed.status).toBe(204);
      await expect(authorize(agent, login({ email: fresh }))).rejects.toThrow(/401/);
      const again = await authorize(agent, login({ email: fresh, password: 'a brand new password' }));
      expect(again.pages).toEqual(['sign-in']);
    });

    it('withdrawing consent ends the grants the client holds and asks again next time', async () => {
      const fresh = `wd.${randomBytes(4).toString('hex')}@example.test`;
      const created = await client().registerUser({ email: fresh, name: 'Wendy', password });
      const agent = browser();
      const tokens = await obtainTokens(agent, login({ email: fresh }));
      const pending = await authorize(agent, login({ email: fresh }));
      expect(pending.pages).toEqual([]);
      const withdrawn = await client().admin('DELETE', `/admin/users/${created.user_id}/consents/${spa}`);
      expect(withdrawn.status).toBe(204);
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
      expect((await client().userInfo(tokens.access_token)).status).toBe(401);
      expect((await refresh(base(), spa, String(tokens.refresh_token))).body.error).toBe('invalid_grant');
      const stale = await tokenRequest(base(), codeExchange(pending, spaClient()));
      expect(stale.body.error).toBe('invalid_grant');
      // A new consent counts from the next second on (docs/decisions/0011).
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const again = await authorize(agent, login({ email: fresh }));
      expect(again.pages).toEqual(['consent']);
      const renewed = await tokenRequest(base(), codeExchange(again, spaClient()));
      expect(renewed.status).toBe(200);
      expect(await introspect(String(renewed.body.access_token))).toEqual(expect.objectContaining({ active: true }));
    });

    it('skips the consent page for first-party clients', async () => {
      const firstParty = await client().registerClient({
        name: 'First party',
        public: true,
        first_party: true,
        grant_types: ['authorization_code'],
        scopes: 'read',
        redirect_uris: [REDIRECT],
      });
      const fresh = `fp.${randomBytes(4).toString('hex')}@example.test`;
      await client().registerUser({ email: fresh, name: 'Fiona', password });
      const result = await authorize(browser(), login({ clientId: firstParty.client_id, email: fresh, scope: 'read' }));
      expect(result.pages).toEqual(['sign-in']);
      expect(codeOf(result)).toBeTruthy();
    });

    it('rotates refresh tokens: reuse revokes the grant, widening is refused without changing anything', async () => {
      const tokens = await obtainTokens(browser(), login());
      const widened = await refresh(base(), spa, String(tokens.refresh_token), { scope: 'read write admin' });
      expect([widened.status, widened.body.error]).toEqual([400, 'invalid_scope']);
      const next = await refresh(base(), spa, String(tokens.refresh_token));
      expect(next.status).toBe(200);
      const reuse = await refresh(base(), spa, String(tokens.refresh_token));
      expect([reuse.status, reuse.body.error]).toEqual([400, 'invalid_grant']);
      // The reuse revoked the whole grant, including what the rotation had just issued.
      expect((await refresh(base(), spa, String(next.body.refresh_token))).body.error).toBe('invalid_grant');
      expect(await introspect(String(next.body.access_token))).toEqual({ active: false });
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
    });

    it('revoking a refresh token revokes its grant at once', async () => {
      const tokens = await obtainTokens(browser(), login());
      const revoked = await client().revoke(String(tokens.refresh_token));
      expect(revoked.status).toBe(200);
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
      expect((await refresh(base(), spa, String(tokens.refresh_token))).body.error).toBe('invalid_grant');
    });

    it('refuses forms without the CSRF binding, and posts from other sites', async () => {
      const agent = browser();
      const page = await agent.get(authorizePath());
      const html = await page.text();
      const crossSite = await agent.submit(html, { email, password }, { 'sec-fetch-site': 'cross-site' });
      expect(crossSite.status).toBe(403);
      const attacker = new FormBrowser(base());
      const forged = await attacker.submit(html, { email, password });
      expect(forged.status).toBe(403);
      expect(attacker.cookieNames()).not.toContain('grantline_session');
      const consent = await agent.post('/oauth/authorize/consent', { decision: 'approve' });
      expect(consent.status).toBe(403);
      // The real form still works afterwards.
      expect((await agent.submit(html, { email, password })).status).toBe(303);
    });

    it('limits sign-in attempts per account, with a clear message, and refuses disabled users', async () => {
      const target = `brute.${randomBytes(4).toString('hex')}@example.test`;
      const created = await client().registerUser({ email: target, name: 'Target', password });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await expect(authorize(browser(), login({ email: target, password: `guess-${attempt}` }))).rejects.toThrow(
          /401/,
        );
      }
      await expect(authorize(browser(), login({ email: target }))).rejects.toThrow(/429.*Too many sign-in attempts/s);

      const disabled = `off.${randomBytes(4).toString('hex')}@example.test`;
      const off = await client().registerUser({ email: disabled, name: 'Off', password });
      const tokens = await obtainTokens(browser(), login({ email: disabled }));
      expect((await client().admin('POST', `/admin/users/${off.user_id}/disable`)).status).toBe(200);
      await expect(authorize(browser(), login({ email: disabled }))).rejects.toThrow(/401.*disabled/s);
      expect((await refresh(base(), spa, String(tokens.refresh_token))).body.error).toBe('invalid_grant');
      expect((await client().userInfo(tokens.access_token)).status).toBe(401);
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
      expect(created.user_id).toBeTruthy();
    });

    it('answers /api/user only for a Bearer token in the header (RFC 6750)', async () => {
      const tokens = await obtainTokens(browser(), login());
      const inQuery = await fetch(`${base()}/api/user?access_token=${encodeURIComponent(tokens.access_token)}`);
      expect(inQuery.status).toBe(400);
      expect(inQuery.headers.get('www-authenticate')).toContain('error="invalid_request"');
      const none = await fetch(`${base()}/api/user`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const garbage = await client().userInfo('not-a-token');
      expect(garbage.status).toBe(401);
      expect(garbage.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const machine = await client().clientCredentials(resourceServer.client_id, resourceServer.client_secret);
      expect((await client().userInfo(String(machine.access_token))).status).toBe(401);
      expect((await client().revoke(tokens.access_token)).status).toBe(200);
      const revoked = await client().userInfo(tokens.access_token);
      expect(revoked.status).toBe(401);
      expect(revoked.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('answers CORS for the client web origins on token, revoke and /api/user, never on authorize', async () => {
      const preflight = (path: string, origin: string, method = 'POST') =>
        fetch(`${base()}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': method,
            'access-control-request-headers': 'authorization',
          },
        });
      for (const [path, method] of [
        ['/oauth/token', 'POST'],
        ['/oauth/revoke', 'POST'],
        ['/api/user', 'GET'],
      ] as const) {
        const allowed = await preflight(path, ORIGIN, method);
        expect([path, allowed.headers.get('access-control-allow-origin')]).toEqual([path, ORIGIN]);
        const refused = await preflight(path, 'https://evil.example', method);
        expect([path, refused.headers.get('access-control-allow-origin')]).toEqual([path, null]);
      }
      const tokens = await obtainTokens(browser(), login());
      const me = await client().userInfo(tokens.access_token, { headers: { origin: ORIGIN } });
      expect(me.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const other = await client().userInfo(tokens.access_token, { headers: { origin: 'https://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      const authorizePage = await fetch(`${base()}/oauth/authorize?client_id=${spa}`, { headers: { origin: ORIGIN } });
      expect(authorizePage.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('serves sign-in pages that cannot be framed and set a cookie nobody can read', async () => {
      const agent = browser();
      const page = await agent.get(authorizePath());
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      const signedIn = await agent.submit(await page.text(), { email, password });
      const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('grantline_session='));
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).not.toContain(userId);
      expect(cookie).not.toContain(email);
    });

    it('lists what it supports in the server metadata', async () => {
      const metadata = (await (await fetch(`${base()}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        unknown
      >;
      expect(metadata).toEqual(
        expect.objectContaining({
          authorization_endpoint: `${metadata.issuer as string}/oauth/authorize`,
          code_challenge_methods_supported: ['S256'],
          response_types_supported: ['code'],
          authorization_response_iss_parameter_supported: true,
          grant_types_supported: expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']),
        }),
      );
    });
  });
}

async function issuer(base: string): Promise<string> {
  const metadata = (await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
  return metadata.issuer;
}
