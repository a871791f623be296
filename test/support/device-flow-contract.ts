import { randomBytes } from 'node:crypto';
import { DEVICE_CODE_GRANT } from '@grantline/lib-events';
import { deviceIdOf } from '@grantline/lib-oauth';
import { approveDevice, FormBrowser, refresh, tokenRequest } from '@grantline/lib-testing';
import { basic, type GrantlineTestClient } from './oauth-test-client';

/** The device settings the server under test was started with. */
export interface DeviceFlowSettings {
  pollIntervalSeconds: number;
  codeTtlSeconds: number;
  userCodeLimitPerBrowser: number;
  userCodeLimitPerAddress: number;
}

export interface DeviceAnswer {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const ORIGIN = 'http://127.0.0.1:4998';
const AUDIT_TIMEOUT_MS = 20_000;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POST /oauth/device/code with a form body (or a raw one) and the given headers. */
export async function requestDevice(
  baseUrl: string,
  params: Record<string, string> | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(`${baseUrl}/oauth/device/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof params === 'string' ? params : new URLSearchParams(params),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as Record<string, unknown> };
}

export async function startDevice(baseUrl: string, params: Record<string, string>): Promise<DeviceAnswer> {
  const answer = await requestDevice(baseUrl, params);
  if (answer.status !== 200)
    throw new Error(`device authorization failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as unknown as DeviceAnswer;
}

/** The device's poll: POST /oauth/token with the device code grant. */
export function pollOnce(baseUrl: string, clientId: string, deviceCode: string, extra: Record<string, string> = {}) {
  return tokenRequest(baseUrl, {
    grant_type: DEVICE_CODE_GRANT,
    client_id: clientId,
    device_code: deviceCode,
    ...extra,
  });
}

/** Reads the admin API's audit trail until `done` holds or the time is up (the stack's audit is eventually consistent). */
export async function auditUntil(
  client: GrantlineTestClient,
  query: Record<string, string>,
  done: (entries: AuditEntry[]) => boolean,
): Promise<AuditEntry[]> {
  const deadline = Date.now() + AUDIT_TIMEOUT_MS;
  let entries: AuditEntry[] = [];
  for (;;) {
    const response = await client.admin('GET', `/admin/audit?${new URLSearchParams({ limit: '1000', ...query })}`);
    if (response.status !== 200) throw new Error(`audit query failed: ${response.status} ${await response.text()}`);
    entries = ((await response.json()) as { entries: AuditEntry[] }).entries;
    if (done(entries) || Date.now() > deadline) return entries;
    await sleep(200);
  }
}

export interface AuditEntry {
  type: string;
  client_id: string | null;
  subject: string | null;
  data: Record<string, unknown>;
}

/**
 * RFC 8628 device authorization as a TV or console uses it, with the attacks on the
 * verification page a production server must refuse, run against both modes.
 */
export function describeDeviceFlowContract(
  name: string,
  client: () => GrantlineTestClient,
  settings: DeviceFlowSettings,
): void {
  describe(`${name}: device authorization (RFC 8628)`, () => {
    const password = 'correct horse battery staple';
    const run = randomBytes(4).toString('hex');
    let email: string;
    let userId: string;
    let issuer: string;
    let tv: string;
    let consoleApp: { client_id: string; client_secret: string };
    let other: string;
    let webOnly: string;
    let resourceServer: { client_id: string; client_secret: string };
    /** Wrong user codes this file has sent from its one address: they count against the address limit. */
    let wrongCodes = 0;
    const lastPoll = new Map<string, number>();

    const base = () => client().baseUrl;
    const errorOf = (answer: Answer) => answer.body.error;
    const introspect = (token: string) =>
      client().introspect(token, resourceServer.client_id, resourceServer.client_secret);
    const start = (clientId = tv, extra: Record<string, string> = {}) =>
      startDevice(base(), { client_id: clientId, ...extra });
    const approve = (
      device: DeviceAnswer,
      decision: 'approve' | 'deny' = 'approve',
      browser = new FormBrowser(base()),
    ) => approveDevice(browser, { userCode: device.user_code, email, password, decision });

    /** Polls as a well-behaved device: never sooner than the interval after its previous poll. */
    async function poll(device: DeviceAnswer, clientId = tv, extra: Record<string, string> = {}): Promise<Answer> {
      const previous = lastPoll.get(device.device_code);
      if (previous !== undefined) await sleep(previous + settings.pollIntervalSeconds * 1000 + 150 - Date.now());
      const answer = await pollOnce(base(), clientId, device.device_code, extra);
      lastPoll.set(device.device_code, Date.now());
      return answer;
    }

    /** Types a code on the verification page in `browser`; returns the status and the page. */
    async function typeCode(browser: FormBrowser, userCode: string): Promise<{ status: number; page: string }> {
      const form = await browser.get('/device');
      const response = await browser.submit(await form.text(), { user_code: userCode });
      const page = await response.text();
      if (response.status === 400) wrongCodes += 1;
      return { status: response.status, page };
    }

    /** Walks the page up to the confirmation and returns its HTML, without deciding. */
    async function confirmationPage(browser: FormBrowser, userCode: string): Promise<string> {
      let { status, page } = await typeCode(browser, userCode);
      if (status === 200 && page.includes('name="password"')) {
        const signedIn = await browser.submit(page, { email, password });
        [status, page] = [signedIn.status, await signedIn.text()];
      }
      if (status !== 200 || !page.includes('name="decision"')) {
        throw new Error(`expected the confirmation page, got ${status}: ${page.slice(0, 300)}`);
      }
      return page;
    }

    beforeAll(async () => {
      email = `tv.${run}@example.test`;
      userId = (await client().registerUser({ email, name: 'Grace Hopper', password })).user_id;
      tv = (
        await client().registerClient({
          name: `Contract TV ${run}`,
          public: true,
          grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
          scopes: 'read write',
          web_origins: [ORIGIN],
        })
      ).client_id;
      consoleApp = await client().registerClient({
        name: 'Contract console',
        grant_types: [DEVICE_CODE_GRANT],
        scopes: 'read',
      });
      other = (
        await client().registerClient({
          name: 'Contract other device',
          public: true,
          grant_types: [DEVICE_CODE_GRANT],
          scopes: 'read',
        })
      ).client_id;
      webOnly = (
        await client().registerClient({
          name: 'Contract web only',
          public: true,
          grant_types: ['authorization_code'],
          scopes: 'read',
          redirect_uris: ['https://web.example.test/cb'],
        })
      ).client_id;
      resourceServer = await client().registerClient({
        name: 'Contract device API',
        grant_types: ['client_credentials'],
      });
      const metadata = (await (await fetch(`${base()}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        unknown
      >;
      issuer = String(metadata.issuer);
    });

    it('lists the device authorization endpoint and grant in the server metadata (RFC 8628 §4)', async () => {
      const metadata = (await (await fetch(`${base()}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        unknown
      >;
      expect(metadata.device_authorization_endpoint).toBe(`${issuer}/oauth/device/code`);
      expect(metadata.grant_types_supported).toEqual(expect.arrayContaining([DEVICE_CODE_GRANT]));
    });

    describe('POST /oauth/device/code', () => {
      it('answers with both codes, where to go, the lifetime and the interval, never cached', async () => {
        const answer = await requestDevice(base(), { client_id: tv });
        expect(answer.status).toBe(200);
        expect(answer.headers.get('cache-control')).toBe('no-store');
        expect(answer.headers.get('content-type')).toContain('application/json');
        const device = answer.body as unknown as DeviceAnswer;
        expect(device.user_code).toMatch(USER_CODE);
        expect(device.device_code).toMatch(/^[A-Za-z0-9_-]{43,}$/);
        expect(device.verification_uri).toBe(`${issuer}/device`);
        const complete = new URL(device.verification_uri_complete);
        expect(complete.origin + complete.pathname).toBe(device.verification_uri);
        expect(complete.searchParams.get('user_code')).toBe(device.user_code);
        expect(device.expires_in).toBe(settings.codeTtlSeconds);
        expect(device.interval).toBe(settings.pollIntervalSeconds);
      });

      it('authenticates a confidential client by HTTP Basic', async () => {
        const answer = await requestDevice(
          base(),
          {},
          { authorization: basic(consoleApp.client_id, consoleApp.client_secret) },
        );
        expect(answer.status).toBe(200);
        expect(answer.body.user_code).toMatch(USER_CODE);
      });

      it.each<
        [string, () => { params: Record<string, string> | string; headers?: Record<string, string> }, number, string]
      >([
        ['no client', () => ({ params: { scope: 'read' } }), 401, 'invalid_client'],
        ['an unknown client', () => ({ params: { client_id: `nobody-${run}` } }), 401, 'invalid_client'],
        ['a client without the device grant', () => ({ params: { client_id: webOnly } }), 400, 'unauthorized_client'],
        [
          'a scope beyond the client’s',
          () => ({ params: { client_id: tv, scope: 'read admin' } }),
          400,
          'invalid_scope',
        ],
        [
          'a confidential client without its secret',
          () => ({ params: { client_id: consoleApp.client_id } }),
          401,
          'invalid_client',
        ],
        [
          'a confidential client with a wrong secret',
          () => ({ params: { client_id: consoleApp.client_id, client_secret: 'not-the-secret' } }),
          401,
          'invalid_client',
        ],
        ['a repeated parameter', () => ({ params: `client_id=${tv}&scope=read&scope=write` }), 400, 'invalid_request'],
        [
          'a JSON body',
          () => ({ params: JSON.stringify({ client_id: tv }), headers: { 'content-type': 'application/json' } }),
          400,
          'invalid_request',
        ],
      ])('refuses %s', async (_name, request, status, error) => {
        const { params, headers } = request();
        const answer = await requestDevice(base(), params, headers);
        expect([answer.status, answer.body.error]).toEqual([status, error]);
        expect(answer.body).not.toHaveProperty('device_code');
        expect(answer.headers.get('cache-control')).toBe('no-store');
      });

      it('challenges a failed HTTP Basic attempt, and takes POST only', async () => {
        const wrong = await requestDevice(base(), {}, { authorization: basic(consoleApp.client_id, 'wrong-secret') });
        expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
        expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
        const get = await fetch(`${base()}/oauth/device/code?client_id=${tv}`);
        expect(get.status).toBe(405);
      });

      it('answers CORS for the client’s own web origin only', async () => {
        const preflight = (origin: string) =>
          fetch(`${base()}/oauth/device/code`, {
            method: 'OPTIONS',
            headers: {
              origin,
              'access-control-request-method': 'POST',
              'access-control-request-headers': 'content-type',
            },
          });
        expect((await preflight(ORIGIN)).headers.get('access-control-allow-origin')).toBe(ORIGIN);
        expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();

        const own = await requestDevice(base(), { client_id: tv }, { origin: ORIGIN });
        expect([own.status, own.headers.get('access-control-allow-origin')]).toEqual([200, ORIGIN]);
        const foreign = await requestDevice(base(), { client_id: tv }, { origin: 'https://evil.example' });
        expect([foreign.status, foreign.headers.get('access-control-allow-origin')]).toEqual([200, null]);
        // The origin is registered, but by another client than the one asking.
        const borrowed = await requestDevice(base(), { client_id: other }, { origin: ORIGIN });
        expect([borrowed.status, borrowed.headers.get('access-control-allow-origin')]).toEqual([200, null]);
      });
    });

    describe('polling', () => {
      it('is pending until approved on the page, then hands out tokens once', async () => {
        const device = await start();
        const pending = await poll(device);
        expect([pending.status, errorOf(pending)]).toEqual([400, 'authorization_pending']);
        expect(pending.headers.get('cache-control')).toBe('no-store');

        const approval = await approve(device);
        expect(approval.pages).toEqual(['code', 'sign-in', 'confirm', 'done']);
        expect(approval.heading).toBe('Device connected');
        expect(approval.shownCode).toBe(device.user_code);

        const granted = await poll(device);
        expect(granted.status).toBe(200);
        expect(granted.headers.get('cache-control')).toBe('no-store');
        expect(granted.body).toEqual(
          expect.objectContaining({
            token_type: 'Bearer',
            scope: 'read write',
            access_token: expect.any(String),
            refresh_token: expect.any(String),
          }),
        );
        const me = await client().userInfo(String(granted.body.access_token));
        expect(me.status).toBe(200);
        expect(await me.json()).toEqual(expect.objectContaining({ sub: userId, email }));
        expect(await introspect(String(granted.body.access_token))).toEqual(
          expect.objectContaining({ active: true, sub: userId, client_id: tv, scope: 'read write' }),
        );

        const again = await poll(device);
        expect([again.status, errorOf(again)]).toEqual([400, 'invalid_grant']);
        expect(again.body).not.toHaveProperty('access_token');
        // A repeated poll is a device retrying, not a stolen code: the tokens stay valid.
        expect(await introspect(String(granted.body.access_token))).toEqual(expect.objectContaining({ active: true }));
      });

      it('answers slow_down to a poll sooner than the interval, and keeps the longer interval', async () => {
        const device = await start();
        expect(errorOf(await pollOnce(base(), tv, device.device_code))).toBe('authorization_pending');
        const early = await pollOnce(base(), tv, device.device_code);
        expect([early.status, errorOf(early)]).toEqual([400, 'slow_down']);
        // The interval is now 5 s longer: waiting only the original interval is still too soon.
        await sleep(settings.pollIntervalSeconds * 1000 + 150);
        expect(errorOf(await pollOnce(base(), tv, device.device_code))).toBe('slow_down');
      });

      it.each<[string, (device: DeviceAnswer) => Record<string, string>, number, string]>([
        [
          'an unknown device code',
          () => ({ device_code: randomBytes(32).toString('base64url') }),
          400,
          'invalid_grant',
        ],
        ['no device code', () => ({ device_code: '' }), 400, 'invalid_request'],
        ['a client without the device grant', () => ({ client_id: webOnly }), 400, 'unauthorized_client'],
        ['an unknown client', () => ({ client_id: `nobody-${run}` }), 401, 'invalid_client'],
      ])('answers %s without counting it as a poll', async (_name, change, status, error) => {
        const device = await start();
        const refused = await pollOnce(base(), tv, device.device_code, change(device));
        expect([refused.status, errorOf(refused)]).toEqual([status, error]);
        // The device's own first poll right after is on time.
        expect(errorOf(await pollOnce(base(), tv, device.device_code))).toBe('authorization_pending');
      });

      it('answers access_denied once the person denies, issuing nothing', async () => {
        const device = await start();
        const denial = await approve(device, 'deny');
        expect(denial.heading).toBe('Request denied');
        const denied = await poll(device);
        expect([denied.status, errorOf(denied)]).toEqual([400, 'access_denied']);
        expect(denied.body).not.toHaveProperty('access_token');
      });

      it('answers invalid_grant to another client polling with the code, and still serves the device', async () => {
        const device = await start();
        await approve(device);
        const stolen = await pollOnce(base(), other, device.device_code);
        expect([stolen.status, errorOf(stolen)]).toEqual([400, 'invalid_grant']);
        const confidential = await pollOnce(base(), consoleApp.client_id, device.device_code, {
          client_secret: consoleApp.client_secret,
        });
        expect([confidential.status, errorOf(confidential)]).toEqual([400, 'invalid_grant']);
        expect((await poll(device)).status).toBe(200);
      });

      it('serves a confidential client authenticated by its secret, without a refresh token', async () => {
        const device = await start(consoleApp.client_id, { client_secret: consoleApp.client_secret });
        await approve(device);
        const granted = await poll(device, consoleApp.client_id, { client_secret: consoleApp.client_secret });
        expect(granted.status).toBe(200);
        expect(granted.body.scope).toBe('read');
        expect(granted.body).not.toHaveProperty('refresh_token');
      });

      it('rotates the refresh token, and revoking it revokes the grant', async () => {
        const device = await start();
        await approve(device);
        const granted = await poll(device);
        const rotated = await refresh(base(), tv, String(granted.body.refresh_token));
        expect(rotated.status).toBe(200);
        expect(rotated.body.refresh_token).not.toBe(granted.body.refresh_token);
        expect(await introspect(String(rotated.body.access_token))).toEqual(expect.objectContaining({ active: true }));

        const revoked = await client().revoke(String(rotated.body.refresh_token));
        expect(revoked.status).toBe(200);
        expect(await introspect(String(rotated.body.access_token))).toEqual({ active: false });
        expect(await introspect(String(granted.body.access_token))).toEqual({ active: false });
        expect((await refresh(base(), tv, String(rotated.body.refresh_token))).body.error).toBe('invalid_grant');
      });
    });

    describe('the verification page', () => {
      it('cannot be framed or cached', async () => {
        const browser = new FormBrowser(base());
        const page = await browser.get('/device');
        expect(page.status).toBe(200);
        const typed = await browser.submit(await page.text(), { user_code: (await start()).user_code });
        for (const response of [page, typed]) {
          expect(response.headers.get('content-type')).toContain('text/html');
          expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
          expect(response.headers.get('x-frame-options')).toBe('DENY');
          expect(response.headers.get('cache-control')).toBe('no-store');
        }
      });

      it('refuses a form posted without the CSRF cookie or from another site, and nothing is decided', async () => {
        const device = await start();
        const victim = new FormBrowser(base());
        const html = await (await victim.get('/device')).text();
        const crossSite = await victim.submit(
          html,
          { user_code: device.user_code },
          { 'sec-fetch-site': 'cross-site' },
        );
        expect(crossSite.status).toBe(403);
        const attacker = new FormBrowser(base());
        const forged = await attacker.submit(html, { user_code: device.user_code });
        expect(forged.status).toBe(403);
        const decision = await attacker.post('/device/decision', { decision: 'approve' });
        expect(decision.status).toBe(403);

        const confirm = await confirmationPage(victim, device.user_code);
        const forgedDecision = await victim.submit(
          confirm,
          { decision: 'approve' },
          { 'sec-fetch-site': 'cross-site' },
        );
        expect(forgedDecision.status).toBe(403);
        expect(errorOf(await poll(device))).toBe('authorization_pending');
        // The real form still works afterwards.
        expect((await victim.submit(confirm, { decision: 'approve' })).status).toBe(200);
        expect((await poll(device)).status).toBe(200);
      });

      it('fills the code in from verification_uri_complete, but decides nothing without the person', async () => {
        const device = await start();
        const complete = new URL(device.verification_uri_complete);
        const browser = new FormBrowser(base());
        const page = await browser.get(complete.pathname + complete.search);
        const html = await page.text();
        expect(page.status).toBe(200);
        const prefilled = /name="user_code"[^>]*value="([^"]*)"/.exec(html)?.[1];
        expect(prefilled).toBe(device.user_code);
        expect(html).not.toContain('name="decision"');
        expect(errorOf(await poll(device))).toBe('authorization_pending');

        // The person submits the filled-in form as is, signs in and still has to confirm.
        const typed = await browser.submit(html, { user_code: prefilled ?? '' });
        const signIn = await typed.text();
        expect(signIn).toContain('name="password"');
        const confirm = await (await browser.submit(signIn, { email, password })).text();
        expect(confirm).toContain('name="decision"');
        expect(errorOf(await poll(device))).toBe('authorization_pending');
        expect((await browser.submit(confirm, { decision: 'approve' })).status).toBe(200);
        expect((await poll(device)).status).toBe(200);
      });

      it('takes one decision per code: a second one, from any browser, is refused and changes nothing', async () => {
        const device = await start();
        const first = new FormBrowser(base());
        const second = new FormBrowser(base());
        const firstConfirm = await confirmationPage(first, device.user_code);
        const secondConfirm = await confirmationPage(second, device.user_code);
        expect((await first.submit(firstConfirm, { decision: 'approve' })).status).toBe(200);

        const late = await second.submit(secondConfirm, { decision: 'deny' });
        expect(late.status).toBe(400);
        expect(await late.text()).toContain('can no longer be used');
        const replayed = await first.submit(firstConfirm, { decision: 'deny' });
        expect(replayed.status).toBe(400);
        const retyped = await typeCode(first, device.user_code);
        expect(retyped.status).toBe(400);
        expect((await poll(device)).status).toBe(200);
      });
    });

    it('records the request, the decisions and one redemption in the audit trail, without any code', async () => {
      const audited = (
        await client().registerClient({
          name: `Audited TV ${run}`,
          public: true,
          grant_types: [DEVICE_CODE_GRANT],
          scopes: 'read',
        })
      ).client_id;
      const approved = await start(audited);
      const denied = await start(audited);
      await approve(approved);
      await approve(denied, 'deny');
      const tokens = await poll(approved, audited);
      expect(tokens.status).toBe(200);
      expect(errorOf(await poll(approved, audited))).toBe('invalid_grant');

      const expected: Array<[string, string, string | null]> = [
        ['DeviceAuthorizationRequested', deviceIdOf(approved.device_code), null],
        ['DeviceAuthorizationRequested', deviceIdOf(denied.device_code), null],
        ['DeviceAuthorizationApproved', deviceIdOf(approved.device_code), userId],
        ['DeviceAuthorizationDenied', deviceIdOf(denied.device_code), userId],
        ['DeviceCodeRedeemed', deviceIdOf(approved.device_code), userId],
      ];
      const relevant = new Set(expected.map(([type]) => type));
      const entries = await auditUntil(
        client(),
        { client_id: audited },
        (found) => found.filter((entry) => relevant.has(entry.type)).length >= expected.length,
      );
      const seen = entries
        .filter((entry) => relevant.has(entry.type))
        .map((entry): [string, string, string | null] => [entry.type, String(entry.data.deviceId), entry.subject]);
      expect(seen.sort()).toEqual([...expected].sort());
      const recorded = JSON.stringify(entries);
      for (const secret of [
        approved.device_code,
        approved.user_code,
        denied.device_code,
        String(tokens.body.access_token),
      ]) {
        expect(recorded).not.toContain(secret);
      }
    });

    // Last: the address limit, once reached, holds for the rest of the window.
    it('limits wrong user codes per browser, then per address, refusing even the right code meanwhile', async () => {
      const device = await start();
      const guesser = new FormBrowser(base());
      const wrong = device.user_code.startsWith('B') ? 'CCCC-CCCC' : 'BBBB-BBBB';
      const statuses: number[] = [];
      for (let attempt = 0; attempt <= settings.userCodeLimitPerBrowser; attempt += 1) {
        statuses.push((await typeCode(guesser, wrong)).status);
      }
      expect(statuses).toEqual([...Array.from({ length: settings.userCodeLimitPerBrowser }, () => 400), 429]);
      const limited = await typeCode(guesser, device.user_code);
      expect(limited.status).toBe(429);
      expect(limited.page).toContain('Too many wrong codes');
      expect(limited.page).not.toContain('name="password"');

      // A guesser that drops its cookies gets a fresh browser each time: the address limit binds.
      const remaining = settings.userCodeLimitPerAddress - wrongCodes;
      expect(remaining).toBeGreaterThan(0);
      const fresh: number[] = [];
      for (let attempt = 0; attempt <= remaining; attempt += 1) {
        fresh.push((await typeCode(new FormBrowser(base()), wrong)).status);
      }
      expect(fresh).toEqual([...Array.from({ length: remaining }, () => 400), 429]);
      const right = await typeCode(new FormBrowser(base()), device.user_code);
      expect(right.status).toBe(429);
      expect(right.page).not.toContain('name="password"');
      expect(errorOf(await poll(device))).toBe('authorization_pending');

      const rejected = await auditUntil(client(), { type: 'UserCodeRejected' }, (found) =>
        found.some((entry) => entry.data.reason === 'rate_limited'),
      );
      expect(rejected.some((entry) => entry.data.reason === 'rate_limited')).toBe(true);
      expect(JSON.stringify(rejected)).not.toContain(device.user_code);
    });
  });
}
