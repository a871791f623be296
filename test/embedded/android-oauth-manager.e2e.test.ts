import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@grantline/lib-config';
import { createLogger } from '@grantline/lib-http';
import { authorize, followAuthorization, FormBrowser, refresh, tokenRequest } from '@grantline/lib-testing';
import { startEmbeddedServer, type EmbeddedServer } from '@grantline/svc-embedded';
import { prepareAarClasses, runAndroidTests } from '../support/android-maven';
import { ConsentRecordingBrowser } from '../support/consent-recording-browser';
import { GrantlineTestClient } from '../support/oauth-test-client';
import {
  androidSeedSource,
  FIX_AUTHORITY,
  FIX_BASE_URL,
  FIX_PADDING,
  writeAndroidVariants,
} from '../support/seed-android';

/**
 * The seed's Android OAuthManager (Kotlin, OkHttp, Gson, coroutines), extracted from the seed
 * document and run on the JVM under Robolectric (test/android): its authenticate() opens a real
 * CustomTabsIntent, whose URL the person's browser (here: a loopback endpoint of this test that
 * signs in and consents over plain HTTP form posts) follows to the redirect; the redirect goes to
 * handleCallback(), then the client refreshes and calls /api/user. The client's own bugs are shown
 * as written, then mended by the smallest named change (test/support/seed-android.ts); Grantline
 * does not bend to them.
 */
const REDIRECT_URI = 'yourapp://oauth/callback';
const APP_NAME = 'Field Notes for Android';
const SETUP_TIMEOUT_MS = 25 * 60_000;
const person = { email: 'android@example.test', name: 'Ada Android', password: 'correct horse battery staple' };

interface Outcome {
  ok: boolean;
  error?: string;
}

/** What test/android's SeedOAuthManagerTest reports for one scenario. */
interface ScenarioReport {
  scenario: string;
  serverUrl: string;
  intentAction?: string;
  customTab?: boolean;
  authorizationUrl?: string;
  browser?: { callback?: string; error?: string };
  handleCallback?: Outcome;
  accessToken?: string | null;
  refreshToken?: string | null;
  refresh?: Outcome;
  accessTokenAfterRefresh?: string | null;
  refreshTokenAfterRefresh?: string | null;
  apiUser?: string | Outcome;
  thrown?: string;
}

const scratch = mkdtempSync(join(tmpdir(), 'grantline-android-'));
let server: EmbeddedServer;
let admin: GrantlineTestClient;
let clientId: string;
let registered: { client_id: string; warnings?: string[] };
let userId: string;
let introspector: { client_id: string; client_secret: string };
let userAgent: Server;
const consentPages: string[] = [];
const reports = new Map<string, ScenarioReport>();

/**
 * The person's browser, as a loopback endpoint the Robolectric test posts the Custom Tab's URL to:
 * it answers with the redirect the authorization ended in, or 502 and why it could not open it.
 */
function startUserAgent(): Promise<string> {
  userAgent = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      void browse(body).then(
        (callback) => response.writeHead(200, { 'content-type': 'text/plain' }).end(callback),
        (error: unknown) =>
          response
            .writeHead(502, { 'content-type': 'text/plain' })
            .end(error instanceof Error ? error.message : String(error)),
      );
    });
  });
  return new Promise((done) => {
    userAgent.listen(0, '127.0.0.1', () => {
      const address = userAgent.address();
      done(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
    });
  });
}

async function browse(url: string): Promise<string> {
  if (!URL.canParse(url)) throw new Error(`the browser cannot open ${url}: not a valid URL`);
  const { origin } = new URL(url);
  if (origin !== server.url) throw new Error(`the browser cannot open ${url}: nothing answers at ${origin}`);
  const browser = new ConsentRecordingBrowser(server.url);
  const { callback } = await followAuthorization(browser, url, person);
  consentPages.push(...browser.consentPages);
  return callback.toString();
}

function scenario(name: string): ScenarioReport {
  const report = reports.get(name);
  if (!report)
    throw new Error(`the Android test reported no scenario "${name}"; it reported: ${[...reports.keys()].join(', ')}`);
  if (report.thrown) throw new Error(`scenario "${name}" threw in the Android test:\n${report.thrown}`);
  return report;
}

function queryOf(url: string | undefined): URLSearchParams {
  return new URL(url ?? 'invalid:').searchParams;
}

async function introspect(token: string | null | undefined): Promise<Record<string, unknown>> {
  return admin.introspect(String(token), introspector.client_id, introspector.client_secret);
}

beforeAll(async () => {
  // The seed first: without it there is nothing to run, and the error says where it was looked for.
  const source = androidSeedSource();
  writeAndroidVariants(source, join(scratch, 'seed'));
  await prepareAarClasses();

  const config = loadConfig({ GRANTLINE_DATA_DIR: join(scratch, 'data'), PORT: '0', LOG_LEVEL: 'silent' });
  server = await startEmbeddedServer(config, createLogger('android-test', 'silent'));
  admin = new GrantlineTestClient(server.url, server.adminToken);
  userId = (await admin.registerUser(person)).user_id;
  // As the seed registers it: a private-use scheme that is not reverse-DNS (RFC 8252 §7.1 recommends one).
  const registration = await admin.admin('POST', '/admin/clients', {
    name: APP_NAME,
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read write',
    redirect_uris: [REDIRECT_URI],
  });
  if (registration.status !== 201) throw new Error(`registration failed: ${await registration.text()}`);
  registered = (await registration.json()) as { client_id: string; warnings?: string[] };
  clientId = registered.client_id;
  introspector = await admin.registerClient({ name: 'android test: introspection', scopes: 'read' });
  const browserUrl = await startUserAgent();

  const reportFile = join(scratch, 'report.jsonl');
  await runAndroidTests(join(scratch, 'seed'), {
    'grantline.url': server.url,
    'grantline.client_id': clientId,
    'grantline.redirect_uri': REDIRECT_URI,
    'grantline.browser': browserUrl,
    'grantline.report': reportFile,
  });
  for (const line of readFileSync(reportFile, 'utf8').split('\n').filter(Boolean)) {
    const report = JSON.parse(line) as ScenarioReport;
    reports.set(report.scenario, report);
  }
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await new Promise((done) => (userAgent ? userAgent.close(done) : done(undefined)));
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('seed: Android OAuthManager on Robolectric against embedded Grantline', () => {
  it(`as written, the Custom Tab gets https://<host>%3A<port>/… (seed bug; fix: ${FIX_AUTHORITY.name})`, () => {
    const report = scenario('as-written');
    expect(report.intentAction).toBe('android.intent.action.VIEW');
    expect(report.customTab).toBe(true);
    const port = new URL(server.url).port;
    expect(report.authorizationUrl).toMatch(new RegExp(`^https://127\\.0\\.0\\.1%3A${port}/oauth/authorize\\?`));
    expect(report.browser?.error).toMatch(/cannot open/);
    expect(report.handleCallback).toBeUndefined();
  });

  it(`with padded PKCE, Grantline refuses the challenge and says so at the redirect (seed bug; fix: ${FIX_PADDING.name})`, () => {
    const report = scenario('fixed-authority');
    expect(report.authorizationUrl?.startsWith(`${server.url}/oauth/authorize?`)).toBe(true);
    const sent = queryOf(report.authorizationUrl);
    expect(sent.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(sent.get('redirect_uri')).toBe(REDIRECT_URI);
    const callback = queryOf(report.browser?.callback);
    expect(report.browser?.callback?.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    expect(Object.fromEntries(callback)).toEqual(
      expect.objectContaining({
        error: 'invalid_request',
        error_description: 'code_challenge is malformed',
        state: sent.get('state'),
      }),
    );
    expect(report.handleCallback).toEqual({
      ok: false,
      error: 'OAuth error: invalid_request - code_challenge is malformed',
    });
  });

  it('with both fixes: sign-in, consent, handleCallback, refresh (rotated) and /api/user work', async () => {
    const report = scenario('fixed-padding');
    expect(queryOf(report.authorizationUrl).get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(report.handleCallback).toEqual({ ok: true });
    expect(report.refresh).toEqual({ ok: true });
    expect(report.accessTokenAfterRefresh).not.toBe(report.accessToken);
    // Public clients always rotate (OAuth 2.1 §4.3.1).
    expect(report.refreshTokenAfterRefresh).toEqual(expect.any(String));
    expect(report.refreshTokenAfterRefresh).not.toBe(report.refreshToken);
    expect(JSON.parse(String(report.apiUser))).toEqual(expect.objectContaining({ id: userId, email: person.email }));
    expect(await introspect(report.accessTokenAfterRefresh)).toEqual(
      expect.objectContaining({ active: true, client_id: clientId, sub: userId, scope: 'read write' }),
    );
    // The rotated-out refresh token presented again ends the grant.
    const reuse = await refresh(server.url, clientId, String(report.refreshToken));
    expect({ status: reuse.status, error: reuse.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    expect(await introspect(report.accessTokenAfterRefresh)).toEqual({ active: false });
  });

  it(`with a trailing slash on the server URL, the token request goes to //oauth/token (seed bug; fix: ${FIX_BASE_URL.name})`, () => {
    const report = scenario('fixed-padding, server URL with a trailing slash');
    expect(report.browser?.callback?.startsWith(`${REDIRECT_URI}?code=`)).toBe(true);
    expect(report.handleCallback?.ok).toBe(false);
    expect(report.handleCallback?.error).toMatch(/^Token exchange failed: /);
  });

  it('with all three fixes and a trailing slash, the flow completes', () => {
    const report = scenario('fixed-base-url, server URL with a trailing slash');
    expect(report.handleCallback).toEqual({ ok: true });
    expect(report.refresh).toEqual({ ok: true });
    expect(JSON.parse(String(report.apiUser))).toEqual(expect.objectContaining({ id: userId }));
  });

  it("registers the seed's yourapp:// redirect, with a warning that the scheme is not a reverse domain name", () => {
    expect(registered.warnings).toEqual([expect.stringContaining('"yourapp:" is not a reverse domain name')]);
  });

  it('the consent page names the app, says it is an app on the device and shows its redirect scheme', () => {
    expect(consentPages.length).toBeGreaterThan(0);
    const text = consentPages[0] ?? '';
    expect(text).toContain(APP_NAME);
    expect(text).toMatch(/app on your device/i);
    expect(text).toContain('yourapp:');
  });

  it("Grantline refuses the seed's padded verifier at the token endpoint too (RFC 7636 §4.1)", async () => {
    // A verifier as the seed makes it (Base64 URL_SAFE, padded), with the well-formed challenge of it.
    const verifier = randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    expect(verifier.endsWith('=')).toBe(true);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const result = await authorize(new FormBrowser(server.url), {
      ...person,
      clientId,
      redirectUri: REDIRECT_URI,
      scope: 'read',
      extra: { code_challenge: challenge },
    });
    const code = result.callback.searchParams.get('code') ?? '';
    const refused = await tokenRequest(server.url, {
      grant_type: 'authorization_code',
      code,
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'code_verifier is malformed (RFC 7636 section 4.1)' },
    });
  });
});
