import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { transform } from 'esbuild';
import type { Page } from 'playwright-core';
import { approveDevice, FormBrowser } from '@grantline/lib-testing';
import { launchChromium, type ChromiumSession } from '../browser/chromium';
import { substitute } from '../browser/seed-apps';
import { SHARED_STACK_SETTINGS, sharedTestStack, type TestStack } from '../stack/stack-fixture';
import { BoundedProcess, describeOutcome, loopbackEnv, type ProcessOutcome } from '../support/bounded-process';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { ensurePythonRequests } from '../support/python-requests';
import { expectSeedFragment, seedCodeBlock } from '../support/seed-document';

const TYPESCRIPT_SECTION = '#### Device Application (Smart TV, IoT Device)';
const PYTHON_SECTION = '#### Python Implementation for IoT Devices';

/**
 * The only change made to either seed client: its usage code names a client id and an authorization
 * server, which every integrator replaces with their own (the product contract allows nothing else).
 * Both are replaced textually, everywhere they occur; the classes themselves are run as written.
 */
const SEED_CLIENT_ID = "'01HPQS4VWXYZ01'";
const SEED_AUTH_SERVER_URL = "'https://auth.rustaxum.dev'";

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** The shared stack tells devices to poll every second, so that the seed clients (which sleep `interval`) finish soon. */
const POLL_INTERVAL_SECONDS = Number(SHARED_STACK_SETTINGS.GRANTLINE_DEVICE_POLL_INTERVAL);

const CLIENT_TIMEOUT_MS = 60_000;
const STEP_TIMEOUT_MS = 15_000;
const TEST_TIMEOUT_MS = CLIENT_TIMEOUT_MS + 30_000;
const SETUP_TIMEOUT_MS = 180_000;

const SCREENSHOT_PATH = resolve(__dirname, '..', '..', 'docs', 'images', 'device-verification.png');
const SCREENSHOT_VIEWPORT = { width: 800, height: 900 };
/** The screenshot in docs/ is only rewritten on request, so that test runs leave the tree clean. */
const takeScreenshots = process.env.GRANTLINE_SCREENSHOTS === '1';

/**
 * Loaded with `node --require` before the seed's device-client.js: reports every answer of the device
 * authorization and token endpoints as a JSON line, so the test sees the token response (the seed's
 * main() prints only the access token and its lifetime) and each poll. The client sees the same response.
 */
const NODE_OBSERVER = `'use strict';
const originalFetch = globalThis.fetch;
globalThis.fetch = async function observedFetch(input, init) {
  const response = await originalFetch(input, init);
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (url.pathname === '/oauth/device/code' || url.pathname === '/oauth/token') {
    const body = await response.clone().json().catch(() => null);
    process.stdout.write('GRANTLINE_HTTP ' + JSON.stringify({ path: url.pathname, status: response.status, body }) + '\\n');
  }
  return response;
};
`;

/**
 * Runs the seed's Python DeviceFlowClient, watching requests.post the same way. Mode "usage" runs the
 * seed file's own \`if __name__ == "__main__"\` block; mode "class" calls DeviceFlowClient.authorize() and
 * lets its exception end the process, so a denial exits non-zero with the client's own message.
 */
const PYTHON_DRIVER = `import json
import os
import runpy
import sys
from urllib.parse import urlsplit

try:
    import requests
except ImportError:
    print("python3 cannot import requests; install it with: pip install requests", file=sys.stderr)
    sys.exit(3)

_post = requests.post


def observed_post(url, *args, **kwargs):
    response = _post(url, *args, **kwargs)
    path = urlsplit(url).path
    if path in ("/oauth/device/code", "/oauth/token"):
        try:
            body = response.json()
        except ValueError:
            body = None
        print("GRANTLINE_HTTP " + json.dumps({"path": path, "status": response.status_code, "body": body}), flush=True)
    return response


requests.post = observed_post

if sys.argv[1] == "usage":
    runpy.run_path("device_flow.py", run_name="__main__")
else:
    from device_flow import DeviceFlowClient

    client = DeviceFlowClient(client_id=os.environ["GRANTLINE_CLIENT_ID"], auth_server_url=os.environ["GRANTLINE_URL"])
    token_response = client.authorize("read write")
    print("GRANTLINE_RESULT " + json.dumps(token_response), flush=True)
`;

interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
}

interface Exchange {
  path: string;
  status: number;
  body: Record<string, unknown> | null;
}

/** What a seed client printed for the person, parsed from its stdout. */
interface Prompt {
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | undefined;
}

let typescriptSource: string;
let pythonSource: string;
let stack: TestStack | undefined;
let browser: ChromiumSession | undefined;
let api: GrantlineTestClient;
let deviceClientId: string;
let denialClientId: string;
let introspector: { client_id: string; client_secret: string };
const processes = new Set<BoundedProcess>();
const scratchDirs: string[] = [];

function running<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} did not start (see the beforeAll error)`);
  return value;
}

beforeAll(async () => {
  // The seed first: without it there is nothing to test, and the error says where to find it.
  typescriptSource = seedCodeBlock(TYPESCRIPT_SECTION, 'typescript');
  pythonSource = seedCodeBlock(PYTHON_SECTION, 'python');
  expectSeedFragment(typescriptSource, 'class DeviceFlowClient', TYPESCRIPT_SECTION);
  expectSeedFragment(typescriptSource, 'main();', TYPESCRIPT_SECTION);
  expectSeedFragment(pythonSource, 'class DeviceFlowClient', PYTHON_SECTION);
  expectSeedFragment(pythonSource, 'if __name__ == "__main__":', PYTHON_SECTION);

  await ensurePythonRequests();
  browser = await launchChromium();
  stack = await sharedTestStack();
  api = new GrantlineTestClient(stack.url, stack.adminToken);
  const deviceClient = {
    public: true,
    grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
    scopes: 'read write',
  };
  deviceClientId = (await api.registerClient({ name: 'Living Room TV', ...deviceClient })).client_id;
  // Its own client, so that the audit shows what was (not) issued after a denial and nothing else.
  denialClientId = (await api.registerClient({ name: 'Garage Sensor', ...deviceClient })).client_id;
  introspector = await api.registerClient({
    name: 'device tests: introspection',
    grant_types: ['client_credentials'],
    scopes: 'read',
  });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  for (const child of processes) child.kill();
  await browser?.close();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
}, 60_000);

function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}

/**
 * Each test signs in as its own user. The other users of the shared stack have random addresses, so
 * plain ones do here (and suit the screenshot).
 */
async function createUser(name: string): Promise<TestUser> {
  const user = {
    email: `${name.split(' ')[0]?.toLowerCase() ?? 'user'}@example.com`,
    name,
    password: `pw-${randomBytes(12).toString('base64url')}`,
  };
  const { user_id } = await api.registerUser(user);
  return { ...user, id: user_id };
}

/** The seed code with the usage example's client id and authorization server replaced, and nothing else. */
function configured(source: string, label: string, clientId: string): string {
  const authServerUrl = running(stack, 'the stack').url;
  return substitute(source, label, [
    [SEED_CLIENT_ID, JSON.stringify(clientId)],
    [SEED_AUTH_SERVER_URL, JSON.stringify(authServerUrl)],
  ]);
}

function track(child: BoundedProcess): BoundedProcess {
  processes.add(child);
  void child.exited.finally(() => processes.delete(child)).catch(() => undefined);
  return child;
}

/** The seed's TypeScript client compiled with esbuild and run by Node as written, main() included. */
async function startTypeScriptClient(): Promise<BoundedProcess> {
  const dir = scratchDir('grantline-seed-device-ts-');
  const source = configured(typescriptSource, 'TypeScript DeviceFlowClient', deviceClientId);
  const { code } = await transform(source, { loader: 'ts', target: 'es2022', sourcefile: 'device-client.ts' });
  writeFileSync(join(dir, 'device-client.js'), code);
  writeFileSync(join(dir, 'observe-endpoints.cjs'), NODE_OBSERVER);
  return track(
    new BoundedProcess(
      'the TypeScript DeviceFlowClient',
      process.execPath,
      ['--require', './observe-endpoints.cjs', 'device-client.js'],
      {
        cwd: dir,
        env: loopbackEnv(),
        timeoutMs: CLIENT_TIMEOUT_MS,
      },
    ),
  );
}

/** The seed's Python client (device_flow.py) under the driver, in "usage" or "class" mode. */
function startPythonClient(mode: 'usage' | 'class', clientId: string): BoundedProcess {
  const dir = scratchDir('grantline-seed-device-py-');
  writeFileSync(join(dir, 'device_flow.py'), configured(pythonSource, 'Python DeviceFlowClient', clientId));
  writeFileSync(join(dir, 'driver.py'), PYTHON_DRIVER);
  const env = loopbackEnv({
    GRANTLINE_URL: running(stack, 'the stack').url,
    GRANTLINE_CLIENT_ID: clientId,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    PYTHONIOENCODING: 'utf-8',
  });
  return track(
    new BoundedProcess(`the Python DeviceFlowClient (${mode})`, 'python3', ['driver.py', mode], {
      cwd: dir,
      env,
      timeoutMs: CLIENT_TIMEOUT_MS,
    }),
  );
}

/** Waits until the client has told the person where to go, and reads what it said. */
async function promptOf(client: BoundedProcess): Promise<Prompt> {
  await client.waitForLine(/Waiting for authorization/, STEP_TIMEOUT_MS);
  const printed = client.stdout;
  const userCode = /Enter code: (\S+)/.exec(printed)?.[1];
  const verificationUri = /Please visit: (\S+)/.exec(printed)?.[1];
  if (!userCode || !verificationUri) throw new Error(client.describe('printed no code or verification URI'));
  return { userCode, verificationUri, verificationUriComplete: /Or visit: (\S+)/.exec(printed)?.[1] };
}

function exchanges(stdout: string): Exchange[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('GRANTLINE_HTTP '))
    .map((line) => JSON.parse(line.slice('GRANTLINE_HTTP '.length)) as Exchange);
}

function deviceAuthorizationOf(outcome: ProcessOutcome): Record<string, unknown> {
  const answer = exchanges(outcome.stdout).find((exchange) => exchange.path === '/oauth/device/code');
  if (!answer?.body) throw new Error(describeOutcome('the client (no device authorization response)', outcome));
  return answer.body;
}

function pollsOf(outcome: ProcessOutcome): Exchange[] {
  return exchanges(outcome.stdout).filter((exchange) => exchange.path === '/oauth/token');
}

/** The prompt matches what the server answered, and the person was sent to this stack's /device. */
function expectPromptMatches(prompt: Prompt, deviceAuthorization: Record<string, unknown>): void {
  const { url } = running(stack, 'the stack');
  expect(deviceAuthorization).toEqual({
    device_code: expect.any(String),
    user_code: prompt.userCode,
    verification_uri: `${url}/device`,
    verification_uri_complete: `${url}/device?user_code=${encodeURIComponent(prompt.userCode)}`,
    expires_in: expect.any(Number),
    interval: POLL_INTERVAL_SECONDS,
  });
  expect(prompt.userCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  expect(prompt.verificationUri).toBe(deviceAuthorization.verification_uri);
  expect(prompt.verificationUriComplete).toBe(deviceAuthorization.verification_uri_complete);
}

/** Each poll before the approval was told authorization_pending (the client kept the interval); the last got tokens. */
function expectPendingThenTokens(outcome: ProcessOutcome): Record<string, unknown> {
  const polls = pollsOf(outcome);
  const last = polls[polls.length - 1];
  const earlier = polls.slice(0, -1).map((poll) => ({ status: poll.status, error: poll.body?.error }));
  expect(earlier).toEqual(earlier.map(() => ({ status: 400, error: 'authorization_pending' })));
  expect(last?.status).toBe(200);
  const tokens = last?.body ?? {};
  expect(tokens).toEqual({
    access_token: expect.any(String),
    token_type: 'Bearer',
    expires_in: expect.any(Number),
    scope: 'read write',
    refresh_token: expect.any(String),
  });
  return tokens;
}

/** The access token is live for this client and user, and /api/user answers with the user who approved. */
async function expectTokenWorks(accessToken: string, clientId: string, user: TestUser): Promise<void> {
  expect(await api.introspect(accessToken, introspector.client_id, introspector.client_secret)).toEqual(
    expect.objectContaining({ active: true, client_id: clientId, sub: user.id, scope: 'read write' }),
  );
  const profile = await api.userInfo(accessToken, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
  expect(profile.status).toBe(200);
  expect(await profile.json()).toEqual(expect.objectContaining({ id: user.id, email: user.email, name: user.name }));
}

/**
 * The seed's own usage code ran to its success line: it showed the codes the server issued,
 * polled pending until the approval, printed the token response's values, and the token works.
 */
async function expectSeedUsageSucceeded(client: BoundedProcess, prompt: Prompt, user: TestUser): Promise<void> {
  const outcome = await finished(client);
  if (outcome.code !== 0 || !outcome.stdout.includes('✅ Authorization successful!')) {
    throw new Error(describeOutcome(client.label, outcome));
  }
  expectPromptMatches(prompt, deviceAuthorizationOf(outcome));
  const tokens = expectPendingThenTokens(outcome);
  // What the seed's main() prints, from the same response.
  expect(outcome.stdout).toContain(`Access Token: ${String(tokens.access_token)}\n`);
  expect(outcome.stdout).toContain(`Expires in: ${String(tokens.expires_in)} seconds\n`);
  await expectTokenWorks(String(tokens.access_token), deviceClientId, user);
}

async function finished(client: BoundedProcess): Promise<ProcessOutcome> {
  const outcome = await client.exited;
  if (outcome.timedOut) throw new Error(describeOutcome(client.label, outcome));
  return outcome;
}

/** What the browser did, for the error message when a step fails. */
function recordBrowser(page: Page): string[] {
  const lines: string[] = [];
  page.on('console', (message) => lines.push(`console.${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => lines.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400)
      lines.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) lines.push(`navigated to ${frame.url()}`);
  });
  return lines;
}

interface BrowserApproval {
  /** The verification_uri to type the code at, or the verification_uri_complete that fills it in. */
  start: { typeAt: string } | { openComplete: string };
  userCode: string;
  user: TestUser;
  screenshot?: boolean;
}

/** A person in Chromium: opens the page, enters (or checks) the code, signs in, compares the code and allows. */
async function approveInChromium(approval: BrowserApproval): Promise<void> {
  const { context } = running(browser, 'Chromium');
  await context.clearCookies();
  const page = await context.newPage();
  await page.setViewportSize(SCREENSHOT_VIEWPORT);
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const log = recordBrowser(page);
  let current = 'start';
  const step = async <T>(label: string, action: () => Promise<T>): Promise<T> => {
    current = label;
    log.push(`--- step: ${label}`);
    return action();
  };
  try {
    const codeInput = page.locator('input#user_code[name=user_code]');
    if ('typeAt' in approval.start) {
      const { typeAt } = approval.start;
      await step('open verification_uri', () => page.goto(typeAt));
      await step('type the code', () => codeInput.fill(approval.userCode));
    } else {
      const { openComplete } = approval.start;
      await step('open verification_uri_complete', () => page.goto(openComplete));
      // RFC 8628 §5.4: the code is filled in, but nothing happens until the person continues.
      expect(await step('read the prefilled code', () => codeInput.inputValue())).toBe(approval.userCode);
    }
    await step('press Continue', () => page.getByRole('button', { name: 'Continue', exact: true }).click());
    await step('sign in', async () => {
      await page.locator('input[name=email]').fill(approval.user.email);
      await page.locator('input[name=password]').fill(approval.user.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    });
    const shown = await step('read the code on the confirmation page', () => page.locator('p.user-code').innerText());
    expect(shown).toBe(approval.userCode);
    if (approval.screenshot && takeScreenshots) {
      await step('screenshot the confirmation page', () => page.screenshot({ path: SCREENSHOT_PATH }));
    }
    await step('press Allow', () => page.getByRole('button', { name: 'Allow', exact: true }).click());
    expect(await step('read the final heading', () => page.locator('h1').innerText())).toBe('Device connected');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const text = await page
      .locator('body')
      .innerText({ timeout: 2_000 })
      .catch(() => '(no page text)');
    throw new Error(
      `Chromium failed at step "${current}": ${reason}\n\n--- browser log ---\n${log.join('\n')}\n\n` +
        `--- page ${page.url()} ---\n${text.slice(0, 2_000)}`,
      { cause: error },
    );
  } finally {
    await page.close().catch(() => undefined);
  }
}

interface AuditEntry {
  type: string;
  client_id: string | null;
  subject: string | null;
}

async function auditOf(clientId: string): Promise<AuditEntry[]> {
  const response = await api.admin('GET', `/admin/audit?client_id=${encodeURIComponent(clientId)}&limit=1000`);
  if (response.status !== 200)
    throw new Error(`GET /admin/audit answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { entries: AuditEntry[] }).entries;
}

/** The audit of `clientId` once it shows `type` (the audit is projected from the log, so it lags a little). */
async function auditOnceItShows(clientId: string, type: string): Promise<AuditEntry[]> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const entries = await auditOf(clientId);
    if (entries.some((entry) => entry.type === type)) return entries;
    if (Date.now() > deadline) throw new Error(`the audit of ${clientId} shows no ${type}: ${JSON.stringify(entries)}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

describe('seed: device flow clients (RFC 8628) against a Grantline stack', () => {
  it(
    'TypeScript DeviceFlowClient as written: the person types the code in Chromium and allows; the token works',
    async () => {
      const user = await createUser('Ada Lovelace');
      const client = await startTypeScriptClient();
      try {
        const prompt = await promptOf(client);
        await approveInChromium({
          start: { typeAt: prompt.verificationUri },
          userCode: prompt.userCode,
          user,
          screenshot: true,
        });
        await expectSeedUsageSucceeded(client, prompt, user);
      } finally {
        client.kill();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'Python DeviceFlowClient.authorize(): approved over plain HTTP (no JavaScript); returns the token response',
    async () => {
      const user = await createUser('Grace Hopper');
      const client = startPythonClient('class', deviceClientId);
      try {
        const prompt = await promptOf(client);
        const approval = await approveDevice(new FormBrowser(running(stack, 'the stack').url), {
          userCode: prompt.userCode,
          email: user.email,
          password: user.password,
        });
        expect(approval).toEqual({
          pages: ['code', 'sign-in', 'confirm', 'done'],
          heading: 'Device connected',
          shownCode: prompt.userCode,
        });
        const outcome = await finished(client);
        if (outcome.code !== 0) throw new Error(describeOutcome(client.label, outcome));
        expectPromptMatches(prompt, deviceAuthorizationOf(outcome));
        const tokens = expectPendingThenTokens(outcome);
        const result = outcome.stdout.split('\n').find((line) => line.startsWith('GRANTLINE_RESULT '));
        if (!result) throw new Error(describeOutcome(`${client.label} (no GRANTLINE_RESULT line)`, outcome));
        expect(JSON.parse(result.slice('GRANTLINE_RESULT '.length))).toEqual(tokens);
        await expectTokenWorks(String(tokens.access_token), deviceClientId, user);
      } finally {
        client.kill();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'Python device_flow.py usage as written: the person opens verification_uri_complete in Chromium and allows',
    async () => {
      const user = await createUser('Katherine Johnson');
      const client = startPythonClient('usage', deviceClientId);
      try {
        const prompt = await promptOf(client);
        if (!prompt.verificationUriComplete) throw new Error(client.describe('printed no verification_uri_complete'));
        await approveInChromium({
          start: { openComplete: prompt.verificationUriComplete },
          userCode: prompt.userCode,
          user,
        });
        await expectSeedUsageSucceeded(client, prompt, user);
      } finally {
        client.kill();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'Python DeviceFlowClient: the person denies; the client raises "Authorization access_denied" and nothing is issued',
    async () => {
      const user = await createUser('Margaret Hamilton');
      const client = startPythonClient('class', denialClientId);
      try {
        const prompt = await promptOf(client);
        const decision = await approveDevice(new FormBrowser(running(stack, 'the stack').url), {
          userCode: prompt.userCode,
          email: user.email,
          password: user.password,
          decision: 'deny',
        });
        expect(decision).toEqual({
          pages: ['code', 'sign-in', 'confirm', 'done'],
          heading: 'Request denied',
          shownCode: prompt.userCode,
        });

        const outcome = await finished(client);
        expect(outcome.code).not.toBe(0);
        expect(outcome.stderr).toContain('Exception: Authorization access_denied: The user denied the request');
        expect(outcome.stdout).not.toContain('GRANTLINE_RESULT');
        const deviceAuthorization = deviceAuthorizationOf(outcome);
        expectPromptMatches(prompt, deviceAuthorization);
        const polls = pollsOf(outcome).map((poll) => ({ status: poll.status, error: poll.body?.error }));
        expect(polls[polls.length - 1]).toEqual({ status: 400, error: 'access_denied' });
        expect(polls.filter((poll) => poll.status === 200)).toEqual([]);

        // The device code stays refused: wait out the interval after the client's last poll, then poll once more.
        await new Promise((done) => setTimeout(done, POLL_INTERVAL_SECONDS * 1000 + 200));
        const again = await api.form('/oauth/token', {
          grant_type: DEVICE_CODE_GRANT,
          device_code: String(deviceAuthorization.device_code),
          client_id: denialClientId,
        });
        expect({ status: again.status, body: await again.json() }).toEqual({
          status: 400,
          body: expect.objectContaining({ error: 'access_denied' }),
        });

        const audit = await auditOnceItShows(denialClientId, 'DeviceAuthorizationDenied');
        expect(audit.find((entry) => entry.type === 'DeviceAuthorizationDenied')?.subject).toBe(user.id);
        expect(
          audit.filter((entry) =>
            ['DeviceCodeRedeemed', 'AccessTokenIssued', 'RefreshTokenIssued', 'DeviceAuthorizationApproved'].includes(
              entry.type,
            ),
          ),
        ).toEqual([]);
      } finally {
        client.kill();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
