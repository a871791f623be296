import { randomUUID } from 'node:crypto';
import { FormBrowser, followAuthorization, parseForm } from '@grantline/lib-testing';
import type { GrantlineTestClient } from './oauth-test-client';

const REDIRECT = 'http://127.0.0.1:4995/oidc/callback';

/** Where the browser goes: replicas of the authorization pages (each step on the next), or the origin. */
export interface OpenIdAuthenticationSite {
  /** The public origin, which is the issuer. */
  issuer: string;
  admin: GrantlineTestClient;
  authorizeUrls: readonly string[];
}

/**
 * An OpenID Connect relying party (openid-client) through prompt=none, max_age and form_post, with
 * the browser's steps spread over the authorize replicas: the session, the sign-in's answer and the
 * form_post page must be the same whichever replica serves them.
 */
export async function checkOpenIdAuthentication(site: OpenIdAuthenticationSite): Promise<void> {
  const oidc = await import('openid-client');
  let turn = 0;
  const nextReplica = () => site.authorizeUrls[turn++ % site.authorizeUrls.length] ?? site.issuer;
  const person = { email: `oidc-${randomUUID()}@example.test`, name: 'Relying', password: 'relying party password' };
  await site.admin.registerUser(person);
  const { client_id: clientId } = await site.admin.registerClient({
    name: `relying party ${randomUUID()}`,
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'openid read',
    redirect_uris: [REDIRECT],
  });
  const config = await oidc.discovery(new URL(site.issuer), clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
    algorithm: 'oauth2',
  });
  const request = async (parameters: Record<string, string>) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid read',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...parameters,
    });
    return { url: `${nextReplica()}${url.pathname}${url.search}`, verifier };
  };
  const answerOf = (response: Response) => {
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    return Object.fromEntries(location.searchParams);
  };
  const browser = new FormBrowser(site.issuer);

  // Core §3.1.2.6: nobody signed in, prompt=none → login_required at the redirect URI.
  const quiet = await request({ prompt: 'none', state: 'quiet', nonce: oidc.randomNonce() });
  expect(answerOf(await browser.get(quiet.url))).toMatchObject({ error: 'login_required', state: 'quiet' });

  const first = await request({ state: 'first', nonce: oidc.randomNonce() });
  const { callback, pages } = await followAuthorization(browser, first.url, person);
  expect(pages).toEqual(['sign-in', 'consent']);
  expect(callback.searchParams.get('code')).toBeTruthy();

  // Signed in and approved: prompt=none answers with a code, on another replica.
  const silent = await request({ prompt: 'none', state: 'silent' });
  expect(answerOf(await browser.get(silent.url))).toMatchObject({ state: 'silent', code: expect.any(String) });

  // max_age=0 a second later: sign in again; that sign-in answers the request, no loop.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const fresh = await request({ max_age: '0', state: 'fresh' });
  const page = await browser.get(fresh.url);
  const html = await page.text();
  expect(html).toContain('name="password"');
  const signedIn = await browser.submit(html, { email: person.email, password: person.password });
  expect(signedIn.status).toBe(303);
  expect(new URL(signedIn.headers.get('location') ?? '').searchParams.get('state')).toBe('fresh');

  // form_post: the page's form is the answer, which openid-client reads and redeems.
  const state = oidc.randomState();
  const posted = await request({ scope: 'read', response_mode: 'form_post', prompt: 'none', state });
  const formPage = await browser.get(posted.url);
  expect(formPage.status).toBe(200);
  const form = parseForm(await formPage.text());
  expect(form.action).toBe(REDIRECT);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    new Request(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.hidden),
    }),
    { pkceCodeVerifier: posted.verifier, expectedState: state },
  );
  expect(tokens.scope).toBe('read');
}
