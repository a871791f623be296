import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as OpenIdClient from 'openid-client' with { 'resolution-mode': 'import' };
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { freePort } from '@grantline/lib-infra';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { FormBrowser, followAuthorization, parseForm } from '@grantline/lib-testing';
import { keyRingFromJwks, readJwkFiles } from '@grantline/lib-tokens';
import { SignJWT } from 'jose';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { checkOpenIdAuthentication } from '../support/openid-authentication-contract';

const REDIRECT = 'http://127.0.0.1:4996/oidc/callback';
const dataDir = mkdtempSync(join(tmpdir(), 'grantline-oidc-authn-'));
let server: EmbeddedServer;
let oidc: typeof OpenIdClient;
let admin: GrantlineTestClient;
const ids = { ada: '', bob: '' };
const ada = { email: `ada-${randomUUID()}@example.test`, name: 'Ada', password: 'ada signs in with this' };
const bob = { email: `bob-${randomUUID()}@example.test`, name: 'Bob', password: 'bob signs in with that' };

beforeAll(async () => {
  // The issuer is the address the server answers on: openid-client discovers it and checks `iss`.
  const port = String(await freePort());
  const config = loadConfig({
    GRANTLINE_DATA_DIR: dataDir,
    PORT: port,
    GRANTLINE_ISSUER: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'silent',
  });
  server = await startEmbeddedServer(config, createLogger('oidc-authn-test', 'silent'));
  oidc = await import('openid-client');
  admin = new GrantlineTestClient(server.url, server.adminToken);
  ids.ada = (await admin.registerUser(ada)).user_id;
  ids.bob = (await admin.registerUser(bob)).user_id;
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A relying party as openid-client knows it, registered through the admin API. */
async function relyingParty(registration: Record<string, unknown> = {}) {
  const { client_id: clientId } = await admin.registerClient({
    name: `relying party ${randomUUID()}`,
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'openid read',
    redirect_uris: [REDIRECT],
    ...registration,
  });
  const config = await oidc.discovery(new URL(server.url), clientId, undefined, oidc.None(), {
    execute: [oidc.allowInsecureRequests],
    algorithm: 'oauth2',
  });
  return { clientId, config };
}

/** An authentication request URL built by openid-client, with PKCE; its path and query on our server. */
async function authenticationRequest(config: OpenIdClient.Configuration, parameters: Record<string, string>) {
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...parameters,
  });
  return { path: `${url.pathname}${url.search}`, verifier };
}

/** Where a redirect sends the browser back to the client, with the answer's parameters. */
function answerOf(response: Response): Record<string, string> {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
  return Object.fromEntries(location.searchParams);
}

/** A browser in which `person` signed in and approved the client once. */
async function signedIn(
  config: OpenIdClient.Configuration,
  person: typeof ada,
  firstParty = false,
): Promise<FormBrowser> {
  const browser = new FormBrowser(server.url);
  const { path } = await authenticationRequest(config, { state: 'first' });
  const { callback, pages } = await followAuthorization(browser, path, person);
  // A first-party client is not asked about.
  expect(pages).toEqual(['sign-in', 'consent'].slice(0, firstParty ? 1 : 2));
  expect(callback.searchParams.get('code')).toBeTruthy();
  return browser;
}

describe('embedded: OpenID Connect authentication requests, built by openid-client', () => {
  it('runs the contract the stack runs: prompt=none, max_age and form_post', async () => {
    await checkOpenIdAuthentication({ issuer: server.url, admin, authorizeUrls: [server.url] });
  });

  it('answers prompt=none without a session with login_required at the redirect URI', async () => {
    const { config } = await relyingParty();
    const { path } = await authenticationRequest(config, { prompt: 'none', state: 'quiet', nonce: 'n-1' });
    const answer = answerOf(await new FormBrowser(server.url).get(path));
    expect(answer).toMatchObject({ error: 'login_required', state: 'quiet', iss: server.url });
    expect(answer).not.toHaveProperty('code');
  });

  it('issues a code silently with prompt=none once the person signed in and approved', async () => {
    const { config } = await relyingParty();
    const browser = await signedIn(config, ada);
    const { path } = await authenticationRequest(config, { prompt: 'none', state: 'silent', nonce: 'n-2' });
    const answer = answerOf(await browser.get(path));
    expect(answer).toMatchObject({ state: 'silent', iss: server.url });
    expect(answer.code).toBeTruthy();
  });

  it('answers prompt=none with consent_required when the signed-in person has not approved the client', async () => {
    const first = await relyingParty();
    const browser = await signedIn(first.config, ada);
    const { config } = await relyingParty();
    const { path } = await authenticationRequest(config, { prompt: 'none', state: 'unapproved' });
    expect(answerOf(await browser.get(path))).toMatchObject({ error: 'consent_required', state: 'unapproved' });
  });

  it('asks for a fresh sign-in when max_age has passed, and does not ask again after it', async () => {
    const { config } = await relyingParty();
    const browser = await signedIn(config, ada);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { path } = await authenticationRequest(config, { max_age: '0', state: 'fresh' });
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('name="password"');
    const after = await browser.submit(html, { email: ada.email, password: ada.password });
    expect(after.status).toBe(303);
    const location = new URL(after.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('code')).toBeTruthy();
    // prompt=none with the same max_age cannot sign in again: login_required.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const quiet = await authenticationRequest(config, { max_age: '0', prompt: 'none', state: 'q' });
    expect(answerOf(await browser.get(quiet.path))).toMatchObject({ error: 'login_required', state: 'q' });
  });

  it('pre-fills the sign-in form from login_hint, escaped', async () => {
    const { config } = await relyingParty();
    const { path } = await authenticationRequest(config, { login_hint: 'ada"><b>@example.test' });
    const html = await (await new FormBrowser(server.url).get(path)).text();
    expect(html).toContain('value="ada&quot;&gt;&lt;b&gt;@example.test"');
  });

  it('asks for a sign-in when login_hint names someone other than the person signed in', async () => {
    const { config } = await relyingParty();
    const browser = await signedIn(config, ada);
    const { path } = await authenticationRequest(config, { login_hint: bob.email, state: 'hint' });
    const page = await browser.get(path);
    const html = await page.text();
    expect(html).toContain('name="password"');
    expect(html).toContain(`value="${bob.email}"`);
    const quiet = await authenticationRequest(config, { login_hint: bob.email, prompt: 'none', state: 'q' });
    expect(answerOf(await browser.get(quiet.path))).toMatchObject({ error: 'login_required' });
    const same = await authenticationRequest(config, { login_hint: ada.email, prompt: 'none', state: 'q' });
    expect(answerOf(await browser.get(same.path)).code).toBeTruthy();
  });

  it('offers the account choice with prompt=select_account, and another account signs in', async () => {
    const { config } = await relyingParty({ first_party: true });
    const browser = await signedIn(config, ada, true);
    const { path } = await authenticationRequest(config, { prompt: 'select_account', state: 'choose' });
    const choice = await (await browser.get(path)).text();
    expect(choice).toContain('Continue as Ada');
    const stay = await browser.submit(choice, { account: 'continue' });
    expect(new URL(stay.headers.get('location') ?? '').searchParams.get('code')).toBeTruthy();

    const again = await (await browser.get(path)).text();
    const signInPage = await (await browser.submit(again, { account: 'switch' })).text();
    expect(signInPage).toContain('name="password"');
    const switched = await browser.submit(signInPage, { email: bob.email, password: bob.password });
    expect(switched.status).toBe(303);
    expect(new URL(switched.headers.get('location') ?? '').searchParams.get('state')).toBe('choose');
    // The browser's session is Bob's now: another choice names him.
    expect(await (await browser.get(path)).text()).toContain('Continue as Bob');
  });

  it('answers with response_mode=form_post in a page that openid-client reads as the response', async () => {
    const { config } = await relyingParty({ first_party: true });
    const browser = await signedIn(config, ada, true);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'read',
      response_mode: 'form_post',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const page = await browser.get(`${url.pathname}${url.search}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain(`form-action ${REDIRECT}`);
    const form = parseForm(await page.text());
    expect(form.action).toBe(REDIRECT);
    const posted = new Request(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form.hidden),
    });
    const tokens = await oidc.authorizationCodeGrant(config, posted, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.scope).toBe('read');

    // An error goes the same way: prompt=none in a browser without a session.
    const quiet = await authenticationRequest(config, { prompt: 'none', response_mode: 'form_post', state: 'q' });
    const refusal = await new FormBrowser(server.url).get(quiet.path);
    expect(refusal.status).toBe(200);
    expect(parseForm(await refusal.text()).hidden).toMatchObject({
      error: 'login_required',
      state: 'q',
      iss: server.url,
    });

    // A request object is refused where it asked to be answered, when the query says nothing of it.
    const inObject = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ response_mode: 'form_post', state: 'in-object', scope: 'openid' }),
    ).toString('base64url')}.`;
    const objectOnly = new URLSearchParams({
      client_id: config.clientMetadata().client_id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'openid',
      request: inObject,
    });
    const refusedObject = await new FormBrowser(server.url).get(`/oauth/authorize?${objectOnly}`);
    expect(refusedObject.status).toBe(200);
    expect(parseForm(await refusedObject.text())).toMatchObject({
      action: REDIRECT,
      hidden: { error: 'request_not_supported', state: 'in-object', iss: server.url },
    });
  });

  it('reads an authentication request sent as a form POST as it reads the query', async () => {
    const { config } = await relyingParty({ first_party: true });
    const { path } = await authenticationRequest(config, { state: 'posted', nonce: 'n-post' });
    const browser = new FormBrowser(server.url);
    const post = (form: string) => browser.post('/oauth/authorize', Object.fromEntries(new URLSearchParams(form)), {});
    const signInPage = await post(new URL(path, server.url).search.slice(1));
    expect(signInPage.status).toBe(200);
    const signedIn = await browser.submit(await signInPage.text(), { email: ada.email, password: ada.password });
    expect(new URL(signedIn.headers.get('location') ?? '').searchParams.get('state')).toBe('posted');

    const quiet = await authenticationRequest(config, { prompt: 'none', state: 'posted-quiet' });
    const answer = await post(new URL(quiet.path, server.url).search.slice(1));
    expect(answer.status).toBe(303);
    expect(Object.fromEntries(new URL(answer.headers.get('location') ?? '').searchParams)).toMatchObject({
      state: 'posted-quiet',
      code: expect.any(String),
    });
    // A repeated parameter is refused in the body as in the query, at the redirect URI.
    const repeated = await fetch(`${server.url}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${new URL(quiet.path, server.url).search.slice(1)}&state=again`,
    });
    expect(Object.fromEntries(new URL(repeated.headers.get('location') ?? '').searchParams)).toMatchObject({
      error: 'invalid_request',
      error_description: 'Repeated parameter: state',
    });
  });

  it('takes an id_token_hint signed with the server’s keys: its person gets a code silently, another signs in', async () => {
    const { clientId, config } = await relyingParty();
    const browser = await signedIn(config, ada);
    // An ID token as the server signs them (RS256 key of its ring, public subject), expired an hour ago.
    const keys = await keyRingFromJwks(readJwkFiles(join(dataDir, 'keys')));
    const signer = keys.signerFor('RS256');
    if (!signer) throw new Error('the embedded key folder has no RS256 key');
    const now = Math.floor(Date.now() / 1000);
    const hintFor = (sub: string) =>
      new SignJWT({ sub, aud: clientId, iss: server.url, iat: now - 7200, exp: now - 3600 })
        .setProtectedHeader({ alg: 'RS256', kid: signer.kid })
        .sign(signer.privateKey);
    const same = await authenticationRequest(config, { prompt: 'none', id_token_hint: await hintFor(ids.ada) });
    expect(answerOf(await browser.get(same.path)).code).toBeTruthy();
    const other = await authenticationRequest(config, { prompt: 'none', id_token_hint: await hintFor(ids.bob) });
    expect(answerOf(await browser.get(other.path))).toMatchObject({ error: 'login_required' });
    const loud = await authenticationRequest(config, { id_token_hint: await hintFor(ids.bob) });
    expect(await (await browser.get(loud.path)).text()).toContain('name="password"');
  });

  it.each([
    ['a request object', { request: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }, 'request_not_supported'],
    [
      'a request_uri that was not pushed',
      { request_uri: 'https://rp.example.test/request.jwt' },
      'request_uri_not_supported',
    ],
    ['inline registration', { registration: '{"client_name":"x"}' }, 'registration_not_supported'],
    ['response_mode=fragment', { response_mode: 'fragment' }, 'invalid_request'],
    ['prompt=none with login', { prompt: 'none login' }, 'invalid_request'],
    ['an unreadable claims parameter', { claims: '{"id_token":' }, 'invalid_request'],
    ['an id_token_hint that is not ours', { id_token_hint: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }, 'invalid_request'],
  ])('refuses %s at the redirect URI with %s', async (_name, parameters, error) => {
    const { config } = await relyingParty();
    const { path } = await authenticationRequest(config, { state: 'refused', ...parameters });
    expect(answerOf(await new FormBrowser(server.url).get(path))).toMatchObject({ error, state: 'refused' });
  });
});
