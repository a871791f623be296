import { randomBytes } from 'node:crypto';
import type { Page, Request, Response } from 'playwright-core';
import { sharedTestStack, type TestStack } from '../stack/stack-fixture';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startAppServer, type AppServer } from './app-server';
import { launchChromium, type ChromiumSession } from './chromium';
import { buildSpaScript, buildWebAppScript, readSeedApps, serveSpa, serveWebApp, type SeedApps } from './seed-apps';

// Every browser wait (an element, a navigation, a response) gives up after this long.
const STEP_TIMEOUT_MS = 15_000;
const FLOW_TIMEOUT_MS = 120_000;
const SETUP_TIMEOUT_MS = 180_000;

interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
}

interface TokenSet {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

let seed: SeedApps;
let stack: TestStack | undefined;
let browser: ChromiumSession | undefined;
let webApp: AppServer | undefined;
let spaApp: AppServer | undefined;
let api: GrantlineTestClient;
let introspector: { client_id: string; client_secret: string };

function running<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} did not start (see the beforeAll error)`);
  return value;
}

beforeAll(async () => {
  // The seed first: without it there is nothing to test, and the error says where to put it.
  seed = readSeedApps();
  browser = await launchChromium();
  stack = await sharedTestStack();
  api = new GrantlineTestClient(stack.url, stack.adminToken);
  // The web app calls /oauth/* and /api/* on its own origin, as behind a development proxy.
  webApp = await startAppServer({ proxy: { target: stack.url, prefixes: ['/oauth/', '/api/'] } });
  spaApp = await startAppServer();
  introspector = await api.registerClient({
    name: 'browser tests: introspection',
    grant_types: ['client_credentials'],
    scopes: 'read',
  });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await Promise.all([webApp?.close(), spaApp?.close()]);
}, 60_000);

async function adminPost<T>(path: string, body: Record<string, unknown>): Promise<T> {
  const { url, adminToken } = running(stack, 'the stack');
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function createUser(label: string): Promise<TestUser> {
  const suffix = randomBytes(6).toString('hex');
  const user = {
    email: `${label}-${suffix}@example.com`,
    name: `Browser ${label} ${suffix}`,
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
  const created = await adminPost<{ user_id: string }>('/admin/users', user);
  return { ...user, id: created.user_id };
}

/** A public client of an app served at `appUrl`: authorization code with PKCE, refresh tokens, CORS from there. */
async function registerPublicClient(name: string, appUrl: string): Promise<string> {
  const registered = await adminPost<{ client_id: string }>('/admin/clients', {
    name,
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read write',
    redirect_uris: [`${appUrl}/oauth/callback`],
    web_origins: [appUrl],
    // No grace period: a rotated refresh token is refused at once.
    refresh_token_grace_period: 0,
  });
  return registered.client_id;
}

interface FlowSetup {
  webClientId: string;
  spaClientId: string;
  users: { web: TestUser; spa: TestUser; deny: TestUser };
  scripts: { webApp: string; spa: string };
}

let flowSetup: Promise<FlowSetup> | undefined;

/**
 * Users, the two public clients and the seed apps built for them (registered and built once), served again
 * for each flow. Each flow signs in as its own user, so that no consent given in one flow is remembered in
 * another.
 */
async function setUpFlows(): Promise<FlowSetup> {
  const authServerUrl = running(stack, 'the stack').url;
  const web = running(webApp, 'the web app server');
  const spa = running(spaApp, 'the SPA server');
  flowSetup ??= (async () => {
    const users = { web: await createUser('web'), spa: await createUser('spa'), deny: await createUser('deny') };
    const webClientId = await registerPublicClient('browser tests: seed web app', web.url);
    const spaClientId = await registerPublicClient('browser tests: seed React SPA', spa.url);
    const scripts = {
      webApp: await buildWebAppScript(seed.webApp, { clientId: webClientId, appUrl: web.url, authServerUrl }),
      spa: await buildSpaScript(seed.spa, { clientId: spaClientId, authServerUrl }),
    };
    return { webClientId, spaClientId, users, scripts };
  })();
  const setup = await flowSetup;
  serveWebApp(web, setup.scripts.webApp);
  serveSpa(spa, setup.scripts.spa);
  return setup;
}

interface Flow {
  page: Page;
  /** Runs one step; a failure names the step. */
  step<T>(label: string, action: () => Promise<T>): Promise<T>;
}

/** What the browser did: console messages, page errors, failed and unsuccessful requests, navigations. */
function recordBrowser(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => {
    const { url, lineNumber } = message.location();
    lines.push(`console.${message.type()}: ${message.text()}${url ? ` (${url}:${lineNumber})` : ''}`);
  });
  page.on('pageerror', (error) => lines.push(`page error: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) =>
    lines.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'unknown'}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      lines.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) lines.push(`navigated to ${frame.url()}`);
  });
  return lines;
}

async function pageText(page: Page): Promise<string> {
  try {
    const text = await page.locator('body').innerText({ timeout: 2_000 });
    return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
  } catch {
    return '(no page text)';
  }
}

/** Runs a flow in a new tab without cookies; on failure the error carries the step, the browser's log and the page. */
async function browserFlow(name: string, body: (flow: Flow) => Promise<void>): Promise<void> {
  const { context } = running(browser, 'Chromium');
  await context.clearCookies();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const log = recordBrowser(page);
  let current = 'start';
  const step = <T>(label: string, action: () => Promise<T>): Promise<T> => {
    current = label;
    log.push(`--- step: ${label}`);
    return action();
  };
  try {
    await body({ page, step });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${name}: failed at step "${current}": ${reason}\n\n` +
        `--- browser log ---\n${log.join('\n') || '(empty)'}\n\n` +
        `--- page ${page.url()} ---\n${await pageText(page)}`,
      { cause: error },
    );
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** Evaluates a JavaScript expression in the page (awaiting a promise), e.g. one that uses the app's globals. */
async function evaluate<T>(page: Page, expression: string): Promise<T> {
  return (await page.evaluate(expression)) as T;
}

function at(origin: string, pathname: string): (url: URL) => boolean {
  return (url) => url.origin === origin && url.pathname === pathname;
}

function requestTo(origin: string, pathname: string, method = 'GET'): (request: Request) => boolean {
  return (request) => request.method() === method && at(origin, pathname)(new URL(request.url()));
}

function responseTo(origin: string, pathname: string, method = 'GET'): (response: Response) => boolean {
  return (response) => requestTo(origin, pathname, method)(response.request());
}

function navigationTo(origin: string, pathname: string): (request: Request) => boolean {
  return (request) => request.isNavigationRequest() && at(origin, pathname)(new URL(request.url()));
}

/**
 * Starts the authorization request with `start` (a click in the app) and returns its parameters, failing at
 * once when the authorization server answers it with an error.
 */
async function authorizationRequest(
  page: Page,
  authServerUrl: string,
  start: () => Promise<void>,
): Promise<URLSearchParams> {
  const answer = page.waitForResponse((response) =>
    navigationTo(authServerUrl, '/oauth/authorize')(response.request()),
  );
  await start();
  const response = await answer;
  if (response.status() >= 400) {
    const body = await response.text().catch(() => '');
    throw new Error(`GET /oauth/authorize answered ${response.status()}: ${body.slice(0, 500)}`);
  }
  return new URL(response.url()).searchParams;
}

async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.locator('input[name=email]').fill(user.email);
  await page.locator('input[name=password]').fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function decide(page: Page, decision: 'Allow' | 'Deny'): Promise<void> {
  await page.getByRole('button', { name: decision, exact: true }).click();
}

async function introspect(token: string): Promise<Record<string, unknown>> {
  return api.introspect(token, introspector.client_id, introspector.client_secret);
}

async function expectRefreshTokenRejected(clientId: string, refreshToken: string): Promise<void> {
  const response = await api.form('/oauth/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
  });
  const body = (await response.json()) as Record<string, unknown>;
  expect({ status: response.status, error: body.error }).toEqual({ status: 400, error: 'invalid_grant' });
}

function storedTokens(page: Page, storage: 'sessionStorage' | 'localStorage'): Promise<Record<string, string>> {
  return evaluate(page, `({ ...${storage} })`);
}

describe('seed browser apps against a Grantline stack, in Chromium', () => {
  it(
    'serves both seed apps: the web app script and proxy work, the SPA renders on its own origin',
    async () => {
      const authServerUrl = running(stack, 'the stack').url;
      const web = running(webApp, 'the web app server');
      const spa = running(spaApp, 'the SPA server');
      // Built for a client id that is not registered: this test stops before the authorization server answers.
      const clientId = 'browser-harness-check';
      serveWebApp(web, await buildWebAppScript(seed.webApp, { clientId, appUrl: web.url, authServerUrl }));
      serveSpa(spa, await buildSpaScript(seed.spa, { clientId, authServerUrl }));

      await browserFlow('harness', async ({ page, step }) => {
        await page.route(at(authServerUrl, '/oauth/authorize'), (route) =>
          route.fulfill({ status: 200, contentType: 'text/plain', body: 'authorization request seen' }),
        );

        await step('open the web app', () => page.goto(`${web.url}/`));
        expect(await evaluate(page, '[typeof oauth, typeof loadUserData, oauth.isAuthenticated()]')).toEqual([
          'object',
          'function',
          false,
        ]);

        const proxied = await step('reach the token endpoint through the app proxy', () =>
          evaluate<{ status: number; body: Record<string, unknown> }>(
            page,
            `fetch('/oauth/token', {
              method: 'POST',
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body: 'grant_type=implicit&client_id=browser-harness-check',
            }).then(async (response) => ({ status: response.status, body: await response.json() }))`,
          ),
        );
        expect(proxied).toEqual({ status: 400, body: expect.objectContaining({ error: 'unsupported_grant_type' }) });

        const webAuthorize = page.waitForRequest(navigationTo(authServerUrl, '/oauth/authorize'));
        await step('click #login-btn', () => page.locator('#login-btn').click());
        const webParams = new URL((await webAuthorize).url()).searchParams;
        await page.waitForURL(at(authServerUrl, '/oauth/authorize'));
        expect(Object.fromEntries(webParams)).toEqual({
          response_type: 'code',
          client_id: clientId,
          redirect_uri: `${web.url}/oauth/callback`,
          code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          code_challenge_method: 'S256',
          scope: 'read write',
          state: expect.any(String),
        });

        await step('open the SPA on its own origin', () => page.goto(`${spa.url}/`));
        const login = page.getByRole('button', { name: 'Login with OAuth' });
        await step('wait for the SPA to render', () => login.waitFor());
        const spaAuthorize = page.waitForRequest(navigationTo(authServerUrl, '/oauth/authorize'));
        await step('click "Login with OAuth"', () => login.click());
        const spaParams = new URL((await spaAuthorize).url()).searchParams;
        expect(spa.url).not.toBe(authServerUrl);
        expect(spaParams.get('client_id')).toBe(clientId);
        expect(spaParams.get('redirect_uri')).toBe(`${spa.url}/oauth/callback`);
        expect(spaParams.get('code_challenge_method')).toBe('S256');
      });
    },
    FLOW_TIMEOUT_MS,
  );

  it(
    'web app (OAuth2Client): sign in, consent, callback, /api/user, refresh with rotation, logout revokes',
    async () => {
      const { webClientId, users } = await setUpFlows();
      const user = users.web;
      const authServerUrl = running(stack, 'the stack').url;
      const web = running(webApp, 'the web app server');

      await browserFlow('web app', async ({ page, step }) => {
        await step('open the web app', () => page.goto(`${web.url}/`));
        await step('click #login-btn: the authorization request', () =>
          authorizationRequest(page, authServerUrl, () => page.locator('#login-btn').click()),
        );
        await step('sign in', () => signIn(page, user));
        await step('allow on the consent page', () => decide(page, 'Allow'));
        await step('land on /dashboard after the code exchange', () => page.waitForURL(at(web.url, '/dashboard')));

        const first = await storedTokens(page, 'sessionStorage');
        expect(first).toEqual(
          expect.objectContaining({
            oauth_access_token: expect.any(String),
            oauth_refresh_token: expect.any(String),
            oauth_scope: 'read write',
          }),
        );
        expect(first).not.toHaveProperty('oauth_code_verifier');
        expect(first).not.toHaveProperty('oauth_state');

        const profile = await step('loadUserData()', () => evaluate<Record<string, unknown>>(page, 'loadUserData()'));
        expect(profile).toEqual(expect.objectContaining({ id: user.id, email: user.email, name: user.name }));

        const refreshed = await step('oauth.refreshToken()', () => evaluate<TokenSet>(page, 'oauth.refreshToken()'));
        expect(refreshed.access_token).toEqual(expect.any(String));
        expect(refreshed.refresh_token).toEqual(expect.any(String));
        expect(refreshed.access_token).not.toBe(first.oauth_access_token);
        expect(refreshed.refresh_token).not.toBe(first.oauth_refresh_token);
        const second = await storedTokens(page, 'sessionStorage');
        expect(second.oauth_access_token).toBe(refreshed.access_token);
        expect(second.oauth_refresh_token).toBe(refreshed.refresh_token);

        const userRequest = page.waitForRequest(requestTo(web.url, '/api/user'));
        const again = await step('loadUserData() with the new access token', () =>
          evaluate<Record<string, unknown>>(page, 'loadUserData()'),
        );
        expect(again).toEqual(profile);
        expect((await (await userRequest).allHeaders()).authorization).toBe(`Bearer ${refreshed.access_token}`);

        expect(await introspect(refreshed.access_token)).toEqual(
          expect.objectContaining({ active: true, client_id: webClientId, sub: user.id }),
        );

        const revocation = page.waitForResponse(responseTo(web.url, '/oauth/revoke', 'POST'));
        await step('oauth.logout()', async () => {
          await evaluate(page, 'void oauth.logout()');
          expect((await revocation).status()).toBe(200);
          await page.waitForURL(at(web.url, '/login'));
        });
        expect(await storedTokens(page, 'sessionStorage')).toEqual({});
        expect(await introspect(refreshed.access_token)).toEqual(expect.objectContaining({ active: false }));

        await step('reuse the rotated refresh token', () =>
          expectRefreshTokenRejected(webClientId, first.oauth_refresh_token ?? ''),
        );
      });
    },
    FLOW_TIMEOUT_MS,
  );

  it(
    'React SPA (OAuthProvider) on another origin: cross-origin code exchange and /api/user, refresh, logout',
    async () => {
      const { spaClientId, users } = await setUpFlows();
      const user = users.spa;
      const authServerUrl = running(stack, 'the stack').url;
      const spa = running(spaApp, 'the SPA server');

      await browserFlow('React SPA', async ({ page, step }) => {
        await step('open the SPA', () => page.goto(`${spa.url}/`));
        await step('click "Login with OAuth": the authorization request', () =>
          authorizationRequest(page, authServerUrl, () =>
            page.getByRole('button', { name: 'Login with OAuth' }).click(),
          ),
        );
        await step('sign in', () => signIn(page, user));

        const exchange = page.waitForResponse(responseTo(authServerUrl, '/oauth/token', 'POST'));
        const userResponse = page.waitForResponse(responseTo(authServerUrl, '/api/user'));
        await step('allow on the consent page', () => decide(page, 'Allow'));
        await step('exchange the code cross-origin', async () => {
          await page.waitForURL((url) => url.origin === spa.url);
          expect((await exchange).status()).toBe(200);
        });

        const dashboard = page.locator('.dashboard pre', { hasText: user.email });
        await step('show /api/user on the dashboard', () => dashboard.waitFor());
        expect(JSON.parse(await dashboard.innerText())).toEqual(
          expect.objectContaining({ id: user.id, email: user.email, name: user.name }),
        );
        expect(new URL(page.url()).pathname).toBe('/');

        const tokens = await storedTokens(page, 'localStorage');
        expect(tokens).toEqual(
          expect.objectContaining({
            oauth_access_token: expect.any(String),
            oauth_refresh_token: expect.any(String),
            oauth_scope: 'read write',
          }),
        );
        const answered = await userResponse;
        expect(answered.status()).toBe(200);
        expect((await answered.allHeaders())['access-control-allow-origin']).toBe(spa.url);
        expect((await answered.request().allHeaders()).authorization).toBe(`Bearer ${tokens.oauth_access_token}`);

        const refresh = page.waitForResponse(responseTo(authServerUrl, '/oauth/token', 'POST'));
        const refreshedUser = page.waitForResponse(responseTo(authServerUrl, '/api/user'));
        await step('reload with an expired access token: the provider refreshes', async () => {
          await evaluate(page, `localStorage.setItem('oauth_token_expires_at', String(Date.now() - 60000))`);
          await page.reload();
          const answer = await refresh;
          expect(answer.status()).toBe(200);
          expect(new URLSearchParams(answer.request().postData() ?? '').get('grant_type')).toBe('refresh_token');
          expect((await refreshedUser).status()).toBe(200);
          await dashboard.waitFor();
        });
        const rotated = await storedTokens(page, 'localStorage');
        expect(rotated.oauth_access_token).toEqual(expect.any(String));
        expect(rotated.oauth_access_token).not.toBe(tokens.oauth_access_token);
        expect(rotated.oauth_refresh_token).not.toBe(tokens.oauth_refresh_token);
        expect(Number(rotated.oauth_token_expires_at)).toBeGreaterThan(Date.now());
        expect(await introspect(rotated.oauth_access_token ?? '')).toEqual(
          expect.objectContaining({ active: true, client_id: spaClientId, sub: user.id }),
        );

        const revocation = page.waitForResponse(responseTo(authServerUrl, '/oauth/revoke', 'POST'));
        await step('click "Logout"', async () => {
          await page.getByRole('button', { name: 'Logout' }).click();
          const answer = await revocation;
          expect(answer.status()).toBe(200);
          expect((await answer.allHeaders())['access-control-allow-origin']).toBe(spa.url);
          await page.getByRole('button', { name: 'Login with OAuth' }).waitFor();
        });
        expect(await storedTokens(page, 'localStorage')).toEqual({});
        expect(await introspect(rotated.oauth_access_token ?? '')).toEqual(expect.objectContaining({ active: false }));

        await step('reuse the rotated refresh token', () =>
          expectRefreshTokenRejected(spaClientId, tokens.oauth_refresh_token ?? ''),
        );
      });
    },
    FLOW_TIMEOUT_MS,
  );

  it(
    'consent denied: the web app callback gets error=access_denied with the state it sent, and no token request',
    async () => {
      const { users } = await setUpFlows();
      const authServerUrl = running(stack, 'the stack').url;
      const web = running(webApp, 'the web app server');

      await browserFlow('consent denied', async ({ page, step }) => {
        const tokenRequests: string[] = [];
        page.on('request', (request) => {
          if (new URL(request.url()).pathname === '/oauth/token') tokenRequests.push(request.url());
        });

        await step('open the web app', () => page.goto(`${web.url}/`));
        const authorize = await step('click #login-btn: the authorization request', () =>
          authorizationRequest(page, authServerUrl, () => page.locator('#login-btn').click()),
        );
        const sentState = authorize.get('state');
        expect(sentState).toEqual(expect.any(String));

        await step('sign in', () => signIn(page, users.deny));
        const callback = page.waitForRequest(navigationTo(web.url, '/oauth/callback'));
        await step('deny on the consent page', () => decide(page, 'Deny'));
        const params = new URL((await callback).url()).searchParams;
        expect(params.get('error')).toBe('access_denied');
        expect(params.get('state')).toBe(sentState);
        expect(params.get('code')).toBeNull();

        await step('the seed callback code sends the user to /login?error=oauth_failed', () =>
          page.waitForURL((url) => at(web.url, '/login')(url) && url.searchParams.get('error') === 'oauth_failed'),
        );
        expect(tokenRequests).toEqual([]);
      });
    },
    FLOW_TIMEOUT_MS,
  );
});
