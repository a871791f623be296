import { DEVICE_CODE_GRANT, type GrantlineEvent } from '@grantline/lib-events';
import { EventLogUnavailableError, type EventLog } from '@grantline/lib-event-log';
import type { UserRecord } from '@grantline/lib-projections';
import { basicAuth, formRequest, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import type { OAuthRequest, OAuthResponse } from '../http-types';
import { introspectionEndpoint } from '../introspection-endpoint';
import type { OAuthContext, OAuthSettings } from '../oauth-context';
import { revocationEndpoint } from '../revocation-endpoint';
import { tokenEndpoint } from '../token-endpoint';
import { disableUser, withdrawConsent } from '../users/user-commands';
import { deviceAuthorizationEndpoint } from './device-authorization-endpoint';
import { deviceIdOf, normaliseUserCode } from './device-codes';
import { lookUpUserCode, recordDeviceDecision } from './device-verification';

const TV_ORIGIN = 'https://tv.example.test';
const CONSOLE_SECRET = 'console-secret-1';
const INTERVAL = 5;
const TTL = 600;

interface DeviceAnswer {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

interface Tokens {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

/** The verification page's request, as the authorize service hands it to the device library. */
const pageRequest = (remoteAddress = '198.51.100.7'): OAuthRequest => ({
  method: 'POST',
  headers: {},
  body: '',
  remoteAddress,
  requestId: 'device-page',
});

const failingLog = (fixture: OAuthFixture, error: Error): EventLog => ({
  append: () => Promise.reject(error),
  subscribe: (options) => fixture.log.subscribe(options),
  replay: (streams, handler) => fixture.log.replay(streams, handler),
  ping: async () => false,
  close: async () => undefined,
});

/** The clients and the user every test starts with, registered once (hashing secrets is slow). */
let seed: { events: GrantlineEvent[]; ada: UserRecord };

beforeAll(async () => {
  const setup = await oauthFixture();
  await registerClients(setup);
  const ada = await setup.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  seed = { events: [...setup.log.events], ada };
});

async function seededFixture(settings: Partial<OAuthSettings> = {}): Promise<OAuthFixture> {
  const fixture = await oauthFixture(settings);
  await fixture.log.append(seed.events);
  return fixture;
}

async function registerClients(fixture: OAuthFixture): Promise<void> {
  await fixture.registerClient({
    name: 'Living-room TV',
    client_id: 'tv',
    public: true,
    grant_types: [DEVICE_CODE_GRANT, 'refresh_token'],
    scopes: 'read write',
    web_origins: [TV_ORIGIN],
  });
  await fixture.registerClient({
    name: 'Game console',
    client_id: 'console',
    client_secret: CONSOLE_SECRET,
    grant_types: [DEVICE_CODE_GRANT],
    scopes: 'read',
  });
  await fixture.registerClient({
    name: 'Web app',
    client_id: 'web',
    public: true,
    grant_types: ['authorization_code'],
    scopes: 'read',
    redirect_uris: ['https://web.example.test/cb'],
  });
  await fixture.registerClient({ name: 'rs', client_id: 'rs', client_secret: 'rs-secret-1' });
}

function deviceHelpers(get: () => { fixture: OAuthFixture; user: UserRecord }) {
  const context = () => get().fixture.context;
  const countOf = (type: GrantlineEvent['type']) =>
    get().fixture.log.events.filter((event) => event.type === type).length;
  const requestDevice = (params: Record<string, string> | string, headers: Record<string, string> = {}) =>
    respond(context(), deviceAuthorizationEndpoint, formRequest(params, headers));
  const poll = (
    deviceCode: string,
    params: Record<string, string | undefined> = {},
    on: OAuthContext = context(),
    headers: Record<string, string> = {},
  ) => {
    const form: Record<string, string> = {};
    for (const [name, value] of Object.entries({
      grant_type: DEVICE_CODE_GRANT,
      client_id: 'tv',
      device_code: deviceCode,
      ...params,
    })) {
      if (value !== undefined) form[name] = value;
    }
    return respond(on, tokenEndpoint, formRequest(form, headers));
  };

  /** Starts a device authorization for the TV (or another client) and returns what the device is told. */
  async function startDevice(params: Record<string, string> = { client_id: 'tv' }): Promise<DeviceAnswer> {
    const response = await requestDevice(params);
    expect(response.status).toBe(200);
    return response.body as DeviceAnswer;
  }

  /** The person types the code on the verification page, signed in as `user`, and decides. */
  async function decide(
    device: DeviceAnswer,
    approve: boolean,
    options: { user?: UserRecord; on?: OAuthContext; authTime?: number } = {},
  ): Promise<'recorded' | 'already_decided'> {
    const on = options.on ?? context();
    const found = await lookUpUserCode(on, pageRequest(), device.user_code, 'browser-1');
    if (found.kind !== 'found') throw new Error(`the user code was not found: ${found.kind}`);
    return recordDeviceDecision(on, pageRequest(), found.device, {
      approve,
      user: options.user ?? get().user,
      authTime: options.authTime ?? Math.floor(get().fixture.clock.now().getTime() / 1000),
    });
  }

  const errorOf = (response: OAuthResponse) => (response.body as { error?: string }).error;
  const tokensOf = (response: OAuthResponse): Tokens => {
    expect(response.status).toBe(200);
    return response.body as Tokens;
  };
  const introspect = async (token: string) =>
    (
      await respond(
        context(),
        introspectionEndpoint,
        formRequest({ token, client_id: 'rs', client_secret: 'rs-secret-1' }),
      )
    ).body as Record<string, unknown>;

  return { countOf, requestDevice, poll, startDevice, decide, errorOf, tokensOf, introspect };
}

describe('device authorization (RFC 8628) through the endpoints', () => {
  let fixture: OAuthFixture;
  let ada: UserRecord;
  const { countOf, requestDevice, poll, startDevice, decide, errorOf, tokensOf, introspect } = deviceHelpers(() => ({
    fixture,
    user: ada,
  }));
  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);

  beforeEach(async () => {
    fixture = await seededFixture();
    ada = seed.ada;
  });

  describe('POST /oauth/device/code', () => {
    it('hands out a device code, a user code and where to type it, recording neither code', async () => {
      const started = now();
      const response = await requestDevice({ client_id: 'tv' });
      expect(response.status).toBe(200);
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(response.allowedOrigins).toEqual([TV_ORIGIN]);
      const body = response.body as DeviceAnswer;
      expect(body.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(body.verification_uri).toBe(`${fixture.context.settings.issuer}/device`);
      expect(new URL(body.verification_uri_complete).searchParams.get('user_code')).toBe(body.user_code);
      expect(body.verification_uri_complete.startsWith(`${body.verification_uri}?`)).toBe(true);
      expect(body).toMatchObject({ expires_in: TTL, interval: INTERVAL });
      expect(Buffer.from(body.device_code, 'base64url').length).toBeGreaterThanOrEqual(16);

      const requested = fixture.log.events.filter((event) => event.type === 'DeviceAuthorizationRequested');
      expect(requested).toHaveLength(1);
      expect(requested[0]).toMatchObject({
        aggregate: { type: 'device', id: deviceIdOf(body.device_code) },
        data: { clientId: 'tv', scope: 'read write', interval: INTERVAL, expiresAt: started + TTL },
      });
      const recorded = JSON.stringify(fixture.log.events);
      expect(recorded).not.toContain(body.device_code);
      expect(recorded).not.toContain(body.user_code);
      expect(recorded).not.toContain(normaliseUserCode(body.user_code));
    });

    it('gives every request its own codes', async () => {
      const first = await startDevice();
      const second = await startDevice();
      expect(second.device_code).not.toBe(first.device_code);
      expect(second.user_code).not.toBe(first.user_code);
    });

    it.each([
      ['no scope: the client’s registered scopes', {}, 'read write'],
      ['a narrower scope', { scope: 'read' }, 'read'],
      ['the same scope twice', { scope: 'write write' }, 'write'],
    ])('grants %s', async (_name, extra, granted) => {
      await startDevice({ client_id: 'tv', ...extra });
      expect(fixture.log.events.at(-1)).toMatchObject({ data: { scope: granted } });
    });

    it.each([
      ['client_secret in the body', { client_id: 'console', client_secret: CONSOLE_SECRET }, {}],
      ['HTTP Basic', {}, { authorization: basicAuth('console', CONSOLE_SECRET) }],
    ])('authenticates a confidential client with %s', async (_name, params, headers) => {
      const response = await requestDevice(params, headers);
      expect(response.status).toBe(200);
      expect(fixture.log.events.at(-1)).toMatchObject({ data: { clientId: 'console', scope: 'read' } });
    });

    it.each<[string, Record<string, string> | string, Record<string, string>, number, string]>([
      ['no client at all', { scope: 'read' }, {}, 401, 'invalid_client'],
      ['an unknown client', { client_id: 'nobody' }, {}, 401, 'invalid_client'],
      ['a client without the device grant', { client_id: 'web' }, {}, 400, 'unauthorized_client'],
      ['a scope the client may not have', { client_id: 'tv', scope: 'read admin' }, {}, 400, 'invalid_scope'],
      ['a malformed scope', { client_id: 'tv', scope: 'read "write"' }, {}, 400, 'invalid_scope'],
      ['a confidential client without its secret', { client_id: 'console' }, {}, 401, 'invalid_client'],
      [
        'a confidential client with a wrong secret',
        { client_id: 'console', client_secret: 'not-the-secret' },
        {},
        401,
        'invalid_client',
      ],
      ['a wrong secret over HTTP Basic', {}, { authorization: basicAuth('console', 'wrong') }, 401, 'invalid_client'],
      [
        'a public client presenting a secret',
        { client_id: 'tv', client_secret: 'whatever1' },
        {},
        401,
        'invalid_client',
      ],
      [
        'both HTTP Basic and client_secret',
        { client_secret: CONSOLE_SECRET },
        { authorization: basicAuth('console', CONSOLE_SECRET) },
        400,
        'invalid_request',
      ],
      ['a repeated client_id', 'client_id=tv&client_id=tv', {}, 400, 'invalid_request'],
      ['a repeated scope', 'client_id=tv&scope=read&scope=write', {}, 400, 'invalid_request'],
      ['a JSON body', '{"client_id":"tv"}', { 'content-type': 'application/json' }, 400, 'invalid_request'],
      ['no content type', 'client_id=tv', { 'content-type': '' }, 400, 'invalid_request'],
    ])('refuses %s, recording nothing', async (_name, params, headers, status, error) => {
      const before = fixture.log.events.length;
      const response = await requestDevice(params, headers);
      expect([response.status, errorOf(response)]).toEqual([status, error]);
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(response.body).not.toHaveProperty('device_code');
      expect(fixture.log.events).toHaveLength(before);
    });

    it('challenges a failed HTTP Basic attempt with WWW-Authenticate (RFC 6749 §5.2)', async () => {
      const response = await requestDevice({}, { authorization: basicAuth('console', 'wrong') });
      expect(response.headers['WWW-Authenticate']).toMatch(/^Basic /);
    });
  });

  describe('polling', () => {
    it('answers authorization_pending until the person decides, then hands out tokens', async () => {
      const device = await startDevice();
      expect(errorOf(await poll(device.device_code))).toBe('authorization_pending');
      expect(await decide(device, true)).toBe('recorded');
      fixture.clock.advance(INTERVAL);
      const response = await poll(device.device_code);
      expect(response.headers['Cache-Control']).toBe('no-store');
      expect(response.allowedOrigins).toEqual([TV_ORIGIN]);
      const tokens = tokensOf(response);
      expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read write' });
      expect(tokens.refresh_token).toEqual(expect.any(String));

      const claims = await verifiedClaims(fixture.context, tokens.access_token);
      const redeemed = fixture.log.events.filter((event) => event.type === 'DeviceCodeRedeemed');
      expect(redeemed).toHaveLength(1);
      expect(redeemed[0]).toMatchObject({
        data: { deviceId: deviceIdOf(device.device_code), clientId: 'tv', userId: ada.userId },
      });
      const grantId = (redeemed[0] as Extract<GrantlineEvent, { type: 'DeviceCodeRedeemed' }>).data.grantId;
      expect(claims).toMatchObject({ sub: ada.userId, client_id: 'tv', gid: grantId, scope: 'read write' });
      expect(fixture.log.events.slice(-3).map((event) => event.type)).toEqual([
        'DeviceCodeRedeemed',
        'AccessTokenIssued',
        'RefreshTokenIssued',
      ]);
      const recorded = JSON.stringify(fixture.log.events);
      expect(recorded).not.toContain(device.device_code);
      expect(recorded).not.toContain(tokens.access_token);
      expect(recorded).not.toContain(tokens.refresh_token);
    });

    it('issues the approved scope, and no refresh token to a client without that grant', async () => {
      const device = await startDevice({ client_id: 'console', client_secret: CONSOLE_SECRET });
      await decide(device, true);
      const response = await poll(device.device_code, { client_id: undefined }, fixture.context, {
        authorization: basicAuth('console', CONSOLE_SECRET),
      });
      const tokens = tokensOf(response);
      expect(tokens.scope).toBe('read');
      expect(tokens).not.toHaveProperty('refresh_token');
      expect(countOf('RefreshTokenIssued')).toBe(0);
    });

    it('hands out tokens exactly once; a later poll is invalid_grant and revokes nothing', async () => {
      const device = await startDevice();
      await decide(device, true);
      const tokens = tokensOf(await poll(device.device_code));
      fixture.clock.advance(INTERVAL);
      const again = await poll(device.device_code);
      expect([again.status, errorOf(again)]).toEqual([400, 'invalid_grant']);
      expect(again.body).not.toHaveProperty('access_token');
      fixture.clock.advance(INTERVAL);
      expect(errorOf(await poll(device.device_code))).toBe('invalid_grant');
      expect(countOf('AccessTokenIssued')).toBe(1);
      expect(countOf('DeviceCodeRedeemed')).toBe(1);
      // Two polls of one device are a retry, not a stolen code (docs/decisions/0014).
      expect(countOf('GrantRevoked')).toBe(0);
      expect(await introspect(tokens.access_token)).toMatchObject({ active: true, sub: ada.userId });
    });

    it('issues once even when the poll clock lets two simultaneous polls through', async () => {
      const device = await startDevice();
      await decide(device, true);
      jest
        .spyOn(fixture.guards, 'recordDevicePoll')
        .mockImplementation(async (_id, intervalSeconds) => ({ tooSoon: false, intervalSeconds }));
      const answers = await Promise.all([poll(device.device_code), poll(device.device_code)]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
      expect(answers.map(errorOf).filter(Boolean)).toEqual(['invalid_grant']);
      expect(countOf('AccessTokenIssued')).toBe(1);
    });

    it('answers access_denied after a denial, on every later poll, issuing nothing', async () => {
      const device = await startDevice();
      expect(await decide(device, false)).toBe('recorded');
      const denied = await poll(device.device_code);
      expect([denied.status, errorOf(denied)]).toEqual([400, 'access_denied']);
      fixture.clock.advance(INTERVAL);
      expect(errorOf(await poll(device.device_code))).toBe('access_denied');
      expect(countOf('AccessTokenIssued')).toBe(0);
      expect(fixture.log.events.filter((event) => event.type === 'DeviceAuthorizationDenied')).toMatchObject([
        { data: { deviceId: deviceIdOf(device.device_code), clientId: 'tv', userId: ada.userId } },
      ]);
    });

    it('answers invalid_grant for a device code it never issued', async () => {
      const response = await poll('bm90LWEtZGV2aWNlLWNvZGU');
      expect([response.status, errorOf(response)]).toEqual([400, 'invalid_grant']);
    });

    it('answers invalid_grant to another client polling with the code, even once approved', async () => {
      const device = await startDevice();
      await decide(device, true);
      const stolen = await poll(device.device_code, { client_id: 'console', client_secret: CONSOLE_SECRET });
      expect([stolen.status, errorOf(stolen)]).toEqual([400, 'invalid_grant']);
      expect(countOf('AccessTokenIssued')).toBe(0);
    });

    describe('expiry', () => {
      it('still answers authorization_pending a second before the end', async () => {
        const device = await startDevice();
        fixture.clock.advance(TTL - 1);
        expect(errorOf(await poll(device.device_code))).toBe('authorization_pending');
      });

      it('answers expired_token once the lifetime has passed (RFC 8628 §3.5)', async () => {
        const device = await startDevice();
        fixture.clock.advance(TTL);
        const response = await poll(device.device_code);
        expect([response.status, errorOf(response)]).toEqual([400, 'expired_token']);
      });

      it('issues nothing for a device approved but polled only after the end', async () => {
        const device = await startDevice();
        await decide(device, true);
        fixture.clock.advance(TTL);
        const response = await poll(device.device_code);
        expect(response.status).toBe(400);
        expect(response.body).not.toHaveProperty('access_token');
        expect(countOf('AccessTokenIssued')).toBe(0);
      });

      it('forgets the user code at the end: the page no longer finds it', async () => {
        const device = await startDevice();
        fixture.clock.advance(TTL);
        const found = await lookUpUserCode(fixture.context, pageRequest(), device.user_code, 'browser-1');
        expect(found.kind).toBe('unknown');
      });
    });

    describe('slow_down (RFC 8628 §3.5), timed from the previous poll', () => {
      // Each row: seconds since the request, the answer, the interval in force afterwards.
      const polls: Array<[number, 'authorization_pending' | 'slow_down', number]> = [
        [0, 'authorization_pending', 5], // the first poll may come at once
        [2, 'slow_down', 10], // 2 s < 5 s: +5
        [11, 'slow_down', 15], // 9 s after the previous poll, refused or not, < 10 s: +5
        [26, 'authorization_pending', 15], // 15 s ≥ 15 s
        [40, 'slow_down', 20], // 14 s < 15 s: the grown interval stays
        [60, 'authorization_pending', 20],
        [80, 'authorization_pending', 20],
      ];

      it('answers each poll by the interval then in force, growing it by 5 s per slow_down', async () => {
        const device = await startDevice();
        const start = fixture.clock.now().getTime();
        const answers: Array<[number, string | undefined, number | undefined]> = [];
        for (const [at, , interval] of polls) {
          fixture.clock.advance(at - (fixture.clock.now().getTime() - start) / 1000);
          const response = await poll(device.device_code);
          const description = (response.body as { error_description?: string }).error_description ?? '';
          const told = /every (\d+) seconds/.exec(description)?.[1];
          answers.push([at, errorOf(response), told === undefined ? interval : Number(told)]);
        }
        expect(answers).toEqual(polls);
      });

      it('answers slow_down before tokens: an approved device polling too soon waits its turn', async () => {
        const device = await startDevice();
        expect(errorOf(await poll(device.device_code))).toBe('authorization_pending');
        await decide(device, true);
        fixture.clock.advance(1);
        expect(errorOf(await poll(device.device_code))).toBe('slow_down');
        expect(countOf('AccessTokenIssued')).toBe(0);
        fixture.clock.advance(INTERVAL + 5);
        expect((await poll(device.device_code)).status).toBe(200);
      });

      it.each<[string, number[], Array<'authorization_pending' | 'slow_down'>]>([
        [
          'exactly the interval apart',
          [5, 5, 5],
          ['authorization_pending', 'authorization_pending', 'authorization_pending'],
        ],
        // The previous poll was timed late in its request, the next one early in its own.
        [
          'up to the tolerance early',
          [4.8, 4.5, 5.2],
          ['authorization_pending', 'authorization_pending', 'authorization_pending'],
        ],
        ['clearly early', [2.5], ['slow_down']],
        ['early by a fifth, then the original interval', [4, 5], ['slow_down', 'slow_down']],
        [
          'early by a fifth, then the grown interval less its tolerance',
          [4, 9.5],
          ['slow_down', 'authorization_pending'],
        ],
      ])(
        'given a device polling %s, then each poll is answered by RFC 8628 §3.5 with its tolerance',
        async (_name, gaps, expected) => {
          const device = await startDevice();
          expect(errorOf(await poll(device.device_code))).toBe('authorization_pending');
          const answers = [];
          for (const gap of gaps) {
            fixture.clock.advance(gap);
            answers.push(errorOf(await poll(device.device_code)));
          }
          expect(answers).toEqual(expected);
        },
      );

      it('times each device on its own', async () => {
        const first = await startDevice();
        const second = await startDevice();
        expect(errorOf(await poll(first.device_code))).toBe('authorization_pending');
        expect(errorOf(await poll(second.device_code))).toBe('authorization_pending');
        expect(errorOf(await poll(first.device_code))).toBe('slow_down');
      });
    });

    describe('a refused poll changes nothing', () => {
      it.each<
        [string, (code: string) => { params?: Record<string, string | undefined>; raw?: string }, number, string]
      >([
        [
          'another client',
          () => ({ params: { client_id: 'console', client_secret: CONSOLE_SECRET } }),
          400,
          'invalid_grant',
        ],
        ['an unknown client', () => ({ params: { client_id: 'nobody' } }), 401, 'invalid_client'],
        ['a client without the device grant', () => ({ params: { client_id: 'web' } }), 400, 'unauthorized_client'],
        ['no device_code', () => ({ params: { device_code: undefined } }), 400, 'invalid_request'],
        [
          'a device_code longer than any issued',
          () => ({ params: { device_code: 'A'.repeat(513) } }),
          400,
          'invalid_request',
        ],
        [
          'a mistyped device_code',
          (code) => ({ params: { device_code: `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}` } }),
          400,
          'invalid_grant',
        ],
        [
          'a repeated device_code',
          (code) => ({
            raw: `grant_type=${encodeURIComponent(DEVICE_CODE_GRANT)}&client_id=tv&device_code=${code}&device_code=${code}`,
          }),
          400,
          'invalid_request',
        ],
      ])(
        '%s: the device’s next poll, at the same instant, still gets its tokens',
        async (_name, attempt, status, error) => {
          const device = await startDevice();
          await decide(device, true);
          const { params, raw } = attempt(device.device_code);
          const refused =
            raw === undefined
              ? await poll(device.device_code, params)
              : await respond(fixture.context, tokenEndpoint, formRequest(raw));
          expect([refused.status, errorOf(refused)]).toEqual([status, error]);
          expect(countOf('AccessTokenIssued')).toBe(0);
          // Not counted as a poll (no slow_down) and not a redemption (the claim is still free).
          expect((await poll(device.device_code)).status).toBe(200);
        },
      );

      it('a pending poll leaves the decision open and the user code usable', async () => {
        const device = await startDevice();
        expect(errorOf(await poll(device.device_code))).toBe('authorization_pending');
        const found = await lookUpUserCode(fixture.context, pageRequest(), device.user_code, 'browser-1');
        expect(found.kind).toBe('found');
      });
    });

    describe('the approval is checked again when the device redeems it', () => {
      it('issues nothing for a user disabled after approving', async () => {
        const device = await startDevice();
        await decide(device, true);
        await fixture.log.append([disableUser(ada, { now: () => fixture.clock.now() }).event]);
        const response = await poll(device.device_code);
        expect([response.status, errorOf(response)]).toEqual([400, 'invalid_grant']);
        expect(countOf('AccessTokenIssued')).toBe(0);
        expect(countOf('DeviceCodeRedeemed')).toBe(0);
      });

      it('issues nothing once the user withdrew consent from the client after approving', async () => {
        const device = await startDevice();
        await decide(device, true);
        await fixture.log.append([
          withdrawConsent(ada.userId, 'tv', ['read'], { now: () => fixture.clock.now() }).event,
        ]);
        fixture.clock.advance(INTERVAL);
        expect(errorOf(await poll(device.device_code))).toBe('invalid_grant');
        expect(countOf('AccessTokenIssued')).toBe(0);
      });
    });

    describe('when the events cannot be recorded', () => {
      it.each([
        ['the log is unavailable', new EventLogUnavailableError('down'), 503, 'temporarily_unavailable'],
        ['an unexpected append error', new Error('disk full'), 500, 'server_error'],
      ])(
        '%s: hands nothing out and releases the claim, so the next poll gets the tokens',
        async (_name, failure, status, error) => {
          const device = await startDevice();
          await decide(device, true);
          const down = { ...fixture.context, log: failingLog(fixture, failure) };
          const refused = await poll(device.device_code, {}, down);
          expect([refused.status, errorOf(refused)]).toEqual([status, error]);
          expect(JSON.stringify(refused.body)).not.toContain('access_token');
          expect(countOf('DeviceCodeRedeemed')).toBe(0);

          fixture.clock.advance(INTERVAL);
          const retried = tokensOf(await poll(device.device_code));
          expect(await introspect(retried.access_token)).toMatchObject({ active: true });
          expect(countOf('DeviceCodeRedeemed')).toBe(1);
        },
      );

      it('releases the decision claim too, so the person can decide again', async () => {
        const device = await startDevice();
        const down = { ...fixture.context, log: failingLog(fixture, new EventLogUnavailableError('down')) };
        await expect(decide(device, true, { on: down })).rejects.toThrow(EventLogUnavailableError);
        expect(errorOf(await poll(device.device_code))).toBe('authorization_pending');
        expect(await decide(device, true)).toBe('recorded');
        fixture.clock.advance(INTERVAL);
        expect((await poll(device.device_code)).status).toBe(200);
      });
    });

    it('refreshes the device grant’s tokens, and revoking the refresh token ends the grant', async () => {
      const device = await startDevice();
      await decide(device, true);
      const tokens = tokensOf(await poll(device.device_code));
      const refreshed = tokensOf(
        await respond(
          fixture.context,
          tokenEndpoint,
          formRequest({ grant_type: 'refresh_token', client_id: 'tv', refresh_token: tokens.refresh_token ?? '' }),
        ),
      );
      expect(refreshed.scope).toBe('read write');
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

      const revoked = await respond(
        fixture.context,
        revocationEndpoint,
        formRequest({ token: refreshed.refresh_token ?? '' }),
      );
      expect(revoked.status).toBe(200);
      expect(await introspect(refreshed.access_token)).toEqual({ active: false });
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
    });
  });

  describe('the decision', () => {
    it('is taken once: a second decision, either way, is refused and changes nothing', async () => {
      const device = await startDevice();
      const found = await lookUpUserCode(fixture.context, pageRequest(), device.user_code, 'browser-1');
      if (found.kind !== 'found') throw new Error('not found');
      const decideWith = (approve: boolean) =>
        recordDeviceDecision(fixture.context, pageRequest(), found.device, { approve, user: ada, authTime: now() });
      expect(await decideWith(true)).toBe('recorded');
      expect(await decideWith(false)).toBe('already_decided');
      expect(await decideWith(true)).toBe('already_decided');
      expect(countOf('DeviceAuthorizationApproved')).toBe(1);
      expect(countOf('DeviceAuthorizationDenied')).toBe(0);
      expect((await poll(device.device_code)).status).toBe(200);
    });

    it('takes the user code off the page once decided', async () => {
      const device = await startDevice();
      await decide(device, false);
      const again = await lookUpUserCode(fixture.context, pageRequest(), device.user_code, 'browser-2');
      expect(again.kind).toBe('unknown');
    });

    it('records the approving user, the scope and when they signed in', async () => {
      const device = await startDevice({ client_id: 'tv', scope: 'read' });
      const signedInAt = now();
      fixture.clock.advance(30);
      await decide(device, true, { authTime: signedInAt });
      expect(fixture.log.events.filter((event) => event.type === 'DeviceAuthorizationApproved')).toMatchObject([
        {
          data: { deviceId: deviceIdOf(device.device_code), userId: ada.userId, scope: 'read', authTime: signedInAt },
          occurredAt: fixture.clock.now().toISOString(),
        },
      ]);
    });

    it.each([
      ['as shown', (code: string) => code],
      ['in lower case without the dash', (code: string) => code.toLowerCase().replace('-', '')],
      ['with spaces', (code: string) => ` ${code.slice(0, 4)} ${code.slice(5)} `],
    ])('finds the device when the person types the code %s', async (_name, typed) => {
      const device = await startDevice();
      const found = await lookUpUserCode(fixture.context, pageRequest(), typed(device.user_code), 'browser-1');
      expect(found).toMatchObject({
        kind: 'found',
        device: { request: { deviceId: deviceIdOf(device.device_code), clientId: 'tv' }, decision: null },
        client: { clientId: 'tv', name: 'Living-room TV' },
      });
    });
  });
});

describe('guessing user codes on the verification page', () => {
  const LIMIT_PER_BROWSER = 3;
  const LIMIT_PER_ADDRESS = 5;
  const WINDOW = 60;
  let fixture: OAuthFixture;
  let ada: UserRecord;
  const { startDevice } = deviceHelpers(() => ({ fixture, user: ada }));
  const look = (typed: string, browser: string, address = '198.51.100.7') =>
    lookUpUserCode(fixture.context, pageRequest(address), typed, browser);
  const wrongCode = (right: string) => (right.startsWith('B') ? 'CCCC-CCCC' : 'BBBB-BBBB');

  beforeEach(async () => {
    const device: OAuthSettings['device'] = {
      codeTtlSeconds: 1_800,
      pollIntervalSeconds: INTERVAL,
      userCodeLimitPerBrowser: LIMIT_PER_BROWSER,
      userCodeLimitPerAddress: LIMIT_PER_ADDRESS,
      userCodeWindowSeconds: WINDOW,
    };
    fixture = await seededFixture({ device });
    ada = seed.ada;
  });

  it('refuses every lookup from a browser at its limit, even the right code, until the window ends', async () => {
    const device = await startDevice();
    const kinds: string[] = [];
    for (let attempt = 0; attempt < LIMIT_PER_BROWSER; attempt += 1) {
      kinds.push((await look(wrongCode(device.user_code), 'guesser')).kind);
    }
    expect(kinds).toEqual(Array.from({ length: LIMIT_PER_BROWSER }, () => 'unknown'));
    expect((await look(device.user_code, 'guesser')).kind).toBe('rate_limited');
    // Another browser elsewhere is not affected.
    expect((await look(device.user_code, 'someone-else', '203.0.113.9')).kind).toBe('found');
    fixture.clock.advance(WINDOW);
    expect((await look(device.user_code, 'guesser')).kind).toBe('found');
  });

  it('refuses fresh browsers from one address at the address limit, and no other address', async () => {
    const device = await startDevice();
    const kinds: string[] = [];
    for (let attempt = 0; attempt < LIMIT_PER_ADDRESS; attempt += 1) {
      kinds.push((await look(wrongCode(device.user_code), `fresh-${attempt}`)).kind);
    }
    expect(kinds).toEqual(Array.from({ length: LIMIT_PER_ADDRESS }, () => 'unknown'));
    expect((await look(device.user_code, 'fresh-last')).kind).toBe('rate_limited');
    expect((await look(device.user_code, 'fresh-elsewhere', '203.0.113.9')).kind).toBe('found');
  });

  it('counts codes that cannot be codes at all as wrong', async () => {
    const device = await startDevice();
    for (const typed of ['', 'AAAA-AAAA', '1234-5678']) expect((await look(typed, 'typist')).kind).toBe('unknown');
    expect((await look(device.user_code, 'typist')).kind).toBe('rate_limited');
  });

  it('does not count right codes', async () => {
    const device = await startDevice();
    for (let attempt = 0; attempt < LIMIT_PER_ADDRESS * 2; attempt += 1) {
      expect((await look(device.user_code, 'owner')).kind).toBe('found');
    }
    expect((await look(wrongCode(device.user_code), 'owner')).kind).toBe('unknown');
  });

  it('describes each refusal for the log, without the typed code', async () => {
    const device = await startDevice();
    const refusals: GrantlineEvent[] = [];
    for (let attempt = 0; attempt <= LIMIT_PER_BROWSER; attempt += 1) {
      const outcome = await look(wrongCode(device.user_code), 'guesser');
      if (outcome.kind !== 'found') refusals.push(outcome.event);
    }
    expect(refusals.map((event) => [event.type, (event.data as { reason: string }).reason])).toEqual([
      ['UserCodeRejected', 'unknown_or_expired'],
      ['UserCodeRejected', 'unknown_or_expired'],
      ['UserCodeRejected', 'unknown_or_expired'],
      ['UserCodeRejected', 'rate_limited'],
    ]);
    expect(refusals[0]).toMatchObject({ data: { remoteAddress: '198.51.100.7' } });
    expect(JSON.stringify(refusals)).not.toContain(wrongCode(device.user_code).replace('-', ''));
  });
});
