import { stampEvent, type EventOfType } from '@grantline/lib-events';
import { EventLogUnavailableError, type EventLog } from '@grantline/lib-event-log';
import type { UserRecord } from '@grantline/lib-projections';
import { formRequest, oauthFixture, pkcePair, respond, type OAuthFixture } from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import { decideAuthorizationCode } from '../authorize/code-issuer';
import type { OAuthRequest, OAuthResponse } from '../http-types';
import { introspectionEndpoint } from '../introspection-endpoint';
import type { OAuthContext } from '../oauth-context';
import { tokenEndpoint } from '../token-endpoint';
import { userInfoEndpoint } from '../user-info-endpoint';
import { disableUser } from '../users/user-commands';
import type { OpenIdGrant } from './sealed-grants';

const REDIRECT = 'https://app.test/cb';
const authorizeRequest: OAuthRequest = {
  method: 'GET',
  headers: {},
  body: '',
  remoteAddress: '127.0.0.1',
  requestId: 'authorize-request',
};

interface IssuedCode {
  code: string;
  verifier: string;
  grantId: string;
}

interface Tokens {
  access_token: string;
  refresh_token?: string;
  scope: string;
  token_type: string;
  expires_in: number;
}

describe('POST /oauth/token, authorization_code', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;

  const redeem = (params: Record<string, string>, context: OAuthContext = fixture.context) =>
    respond(context, tokenEndpoint, formRequest({ grant_type: 'authorization_code', client_id: 'app', ...params }));

  const redeemIssued = (issued: IssuedCode, extra: Record<string, string> = {}) =>
    redeem({ code: issued.code, code_verifier: issued.verifier, redirect_uri: REDIRECT, ...extra });

  async function issueCode(
    options: {
      clientId?: string;
      scopes?: string[];
      redirectUriGiven?: boolean;
      forUser?: UserRecord;
      openid?: OpenIdGrant;
    } = {},
  ): Promise<IssuedCode> {
    const client = await fixture.store.getClient(options.clientId ?? 'app');
    if (!client) throw new Error('client missing');
    const { verifier, challenge } = pkcePair();
    const issued = await decideAuthorizationCode(
      fixture.context,
      authorizeRequest,
      {
        clientId: client.clientId,
        redirectUri: REDIRECT,
        redirectUriGiven: options.redirectUriGiven ?? true,
        scopes: options.scopes ?? ['read', 'write'],
        state: 'st',
        codeChallenge: challenge,
        resources: [],
      },
      client,
      options.forUser ?? user,
      Math.floor(fixture.clock.now().getTime() / 1000),
      options.openid,
    );
    await fixture.log.append([issued.event]);
    const code = new URL(issued.location).searchParams.get('code');
    if (!code || issued.event.type !== 'AuthorizationCodeIssued') throw new Error('no code issued');
    return { code, verifier, grantId: issued.event.data.grantId };
  }

  const tokensOf = (response: OAuthResponse) => response.body as Tokens;
  const countOf = (type: string) => fixture.log.events.filter((event) => event.type === type).length;
  const introspect = async (token: string) =>
    (
      await respond(
        fixture.context,
        introspectionEndpoint,
        formRequest({ token, client_id: 'rs', client_secret: 'rs-secret-1' }),
      )
    ).body;

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerClient({
      name: 'app',
      client_id: 'app',
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read write',
      redirect_uris: [REDIRECT],
    });
    await fixture.registerClient({
      name: 'other',
      client_id: 'other',
      public: true,
      grant_types: ['authorization_code'],
      scopes: 'read write',
      redirect_uris: [REDIRECT],
    });
    await fixture.registerClient({ name: 'rs', client_id: 'rs', client_secret: 'rs-secret-1' });
    user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  });

  it('redeems a code for an access and a refresh token bound to its grant, recording them first', async () => {
    const issued = await issueCode();
    const response = await redeemIssued(issued);
    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('no-store');
    const tokens = tokensOf(response);
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read write' });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = await verifiedClaims(fixture.context, tokens.access_token);
    expect(claims).toMatchObject({ sub: user.userId, client_id: 'app', gid: issued.grantId, scope: 'read write' });
    expect(fixture.log.events.slice(-3).map((event) => event.type)).toEqual([
      'AuthorizationCodeRedeemed',
      'AccessTokenIssued',
      'RefreshTokenIssued',
    ]);
    const recorded = JSON.stringify(fixture.log.events);
    expect(recorded).not.toContain(issued.code);
    expect(recorded).not.toContain(tokens.access_token);
    expect(recorded).not.toContain(tokens.refresh_token);
  });

  it('issues no refresh token to a client without the refresh_token grant', async () => {
    const issued = await issueCode({ clientId: 'other' });
    const response = await redeemIssued(issued, { client_id: 'other' });
    expect(response.status).toBe(200);
    expect(response.body).not.toHaveProperty('refresh_token');
    expect(countOf('RefreshTokenIssued')).toBe(0);
  });

  it('grants exactly the scopes of the authorization, even none', async () => {
    const read = await redeemIssued(await issueCode({ scopes: ['read'] }));
    expect(tokensOf(read).scope).toBe('read');
    const none = await redeemIssued(await issueCode({ scopes: [] }));
    expect(none.status).toBe(200);
    expect(tokensOf(none).scope).toBe('');
  });

  describe('replay', () => {
    it('refuses the second redemption and revokes the grant with every token of the first', async () => {
      const issued = await issueCode();
      const first = tokensOf(await redeemIssued(issued));
      expect((await fixture.store.read({ clientIds: [], grantId: issued.grantId })).revoked).toBe(false);
      expect(await introspect(first.access_token)).toMatchObject({ active: true });

      const second = await redeemIssued(issued);
      expect(second.status).toBe(400);
      expect(second.body).toMatchObject({ error: 'invalid_grant' });
      expect(second.body).not.toHaveProperty('access_token');

      expect((await fixture.store.read({ clientIds: [], grantId: issued.grantId })).revoked).toBe(true);
      expect(fixture.log.events.slice(-2)).toMatchObject([
        {
          type: 'ArtifactReuseDetected',
          data: { grantId: issued.grantId, artifact: 'authorization_code', clientId: 'app' },
        },
        { type: 'GrantRevoked', data: { grantId: issued.grantId, reason: 'code_reuse', clientId: 'app' } },
      ]);
      expect(await introspect(first.access_token)).toEqual({ active: false });
      const userInfo = await respond(fixture.context, userInfoEndpoint, {
        ...authorizeRequest,
        headers: { authorization: `Bearer ${first.access_token}` },
      });
      expect(userInfo.status).toBe(401);
      const refreshed = await respond(
        fixture.context,
        tokenEndpoint,
        formRequest({ grant_type: 'refresh_token', client_id: 'app', refresh_token: first.refresh_token ?? '' }),
      );
      expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
      expect(countOf('AccessTokenIssued')).toBe(1);
    });

    it('keeps the grant revoked for as long as its access tokens live, past the grant’s own end', async () => {
      await fixture.registerClient({
        name: 'short',
        client_id: 'short',
        public: true,
        grant_types: ['authorization_code', 'refresh_token'],
        scopes: 'read write',
        redirect_uris: [REDIRECT],
        refresh_token_idle_ttl: 60,
        refresh_token_absolute_ttl: 120,
      });
      const issued = await issueCode({ clientId: 'short' });
      const params = { code: issued.code, code_verifier: issued.verifier, redirect_uri: REDIRECT, client_id: 'short' };
      const first = tokensOf(await redeem(params));
      fixture.clock.advance(10);
      expect((await redeem(params)).body).toMatchObject({ error: 'invalid_grant' });
      fixture.clock.advance(111);
      expect(await introspect(first.access_token)).toEqual({ active: false });
    });

    it('revokes only the grant of the replayed code', async () => {
      const replayed = await issueCode();
      const untouched = await issueCode();
      await redeemIssued(replayed);
      const other = tokensOf(await redeemIssued(untouched));
      await redeemIssued(replayed);
      expect((await fixture.store.read({ clientIds: [], grantId: untouched.grantId })).revoked).toBe(false);
      expect(await introspect(other.access_token)).toMatchObject({ active: true });
    });
  });

  describe('a refused request uses nothing up', () => {
    it.each([
      ['a wrong code_verifier', () => ({ code_verifier: pkcePair().verifier })],
      ['another client', () => ({ client_id: 'other' })],
      ['another redirect_uri', () => ({ redirect_uri: 'https://app.test/other' })],
      ['a redirect_uri with a trailing slash', () => ({ redirect_uri: `${REDIRECT}/` })],
    ])('%s → invalid_grant, and the code still works', async (_name, extra) => {
      const issued = await issueCode();
      const refused = await redeemIssued(issued, extra());
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_grant' });
      expect(countOf('AccessTokenIssued')).toBe(0);
      expect(countOf('GrantRevoked')).toBe(0);
      expect((await redeemIssued(issued)).status).toBe(200);
    });

    it.each([
      ['a missing code_verifier', { code_verifier: undefined }],
      ['a too short code_verifier', { code_verifier: 'short' }],
      ['a code_verifier with characters outside RFC 7636', { code_verifier: `${'a'.repeat(43)}!` }],
      ['a missing code', { code: undefined }],
    ])('%s → invalid_request, and the code still works', async (_name, overrides) => {
      const issued = await issueCode();
      const params: Record<string, string> = {
        code: issued.code,
        code_verifier: issued.verifier,
        redirect_uri: REDIRECT,
      };
      for (const [name, value] of Object.entries(overrides)) {
        if (value === undefined) delete params[name];
        else params[name] = value;
      }
      const refused = await redeem(params);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_request' });
      expect((await redeemIssued(issued)).status).toBe(200);
    });

    it('a missing redirect_uri when the authorization request named one → invalid_grant', async () => {
      const issued = await issueCode({ redirectUriGiven: true });
      const refused = await redeem({ code: issued.code, code_verifier: issued.verifier });
      expect(refused.body).toMatchObject({ error: 'invalid_grant' });
      expect((await redeemIssued(issued)).status).toBe(200);
    });
  });

  describe('redirect_uri when the authorization request did not name one', () => {
    it('may be left out', async () => {
      const issued = await issueCode({ redirectUriGiven: false });
      expect((await redeem({ code: issued.code, code_verifier: issued.verifier })).status).toBe(200);
    });

    it('must match when given anyway', async () => {
      const issued = await issueCode({ redirectUriGiven: false });
      const wrong = await redeemIssued(issued, { redirect_uri: 'https://app.test/other' });
      expect(wrong.body).toMatchObject({ error: 'invalid_grant' });
      expect((await redeemIssued(issued)).status).toBe(200);
    });
  });

  it.each([
    ['garbage', 'not-a-code'],
    ['an empty-looking JWE', 'a.b.c.d.e'],
  ])('refuses %s as a code with invalid_grant', async (_name, code) => {
    const response = await redeem({ code, code_verifier: pkcePair().verifier, redirect_uri: REDIRECT });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a refresh token presented as a code', async () => {
    const tokens = tokensOf(await redeemIssued(await issueCode()));
    const response = await redeem({
      code: tokens.refresh_token ?? '',
      code_verifier: pkcePair().verifier,
      redirect_uri: REDIRECT,
    });
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a tampered code', async () => {
    const issued = await issueCode();
    const parts = issued.code.split('.');
    const ciphertext = parts[3] ?? '';
    parts[3] = `${ciphertext.slice(0, -2)}${ciphertext.endsWith('AA') ? 'BA' : 'AA'}`;
    const response = await redeemIssued({ ...issued, code: parts.join('.') });
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
    expect((await redeemIssued(issued)).status).toBe(200);
  });

  describe('expiry', () => {
    it('still redeems a code after 59 seconds', async () => {
      const issued = await issueCode();
      fixture.clock.advance(59);
      expect((await redeemIssued(issued)).status).toBe(200);
    });

    it('refuses a code after 61 seconds with invalid_grant, revoking nothing', async () => {
      const issued = await issueCode();
      fixture.clock.advance(61);
      const response = await redeemIssued(issued);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_grant' });
      expect(countOf('AccessTokenIssued')).toBe(0);
      expect(countOf('GrantRevoked')).toBe(0);
    });
  });

  describe('a grant whose browser session ended before the projection linked it to the session', () => {
    const SID = 'c2Vzc2lvbi1sYWdnaW5nLTAx';
    const now = () => Math.floor(fixture.clock.now().getTime() / 1000);
    /** The session's end as every replica sees it at once: its mark, written through. */
    const endSession = () =>
      fixture.store.writeThrough([
        stampEvent(
          {
            type: 'SessionEnded',
            aggregate: { type: 'session', id: SID },
            data: { sessionId: SID, userId: user.userId, reason: 'logout', endedBy: null, expiresAt: now() + 3600 },
          },
          { now: () => fixture.clock.now() },
        ) as EventOfType<'SessionEnded'>,
      ]);
    const issueInSession = (scopes: string[]) => issueCode({ clientId: 'rp', scopes, openid: { sid: SID } });
    const revokedFor = () =>
      fixture.log.events.flatMap((event) =>
        event.type === 'GrantRevoked' ? [{ grantId: event.data.grantId, reason: event.data.reason }] : [],
      );

    beforeEach(async () => {
      await fixture.registerClient({
        name: 'rp',
        client_id: 'rp',
        public: true,
        grant_types: ['authorization_code', 'refresh_token'],
        scopes: 'openid offline_access read',
        redirect_uris: [REDIRECT],
      });
    });

    it('refuses its code and revokes the grant', async () => {
      const issued = await issueInSession(['openid', 'read']);
      await endSession();
      const response = await redeemIssued(issued, { client_id: 'rp' });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_grant' });
      expect(countOf('AccessTokenIssued')).toBe(0);
      expect(revokedFor()).toEqual([{ grantId: issued.grantId, reason: 'session_ended' }]);
    });

    it('refuses its refresh token and revokes the grant, so its access tokens end too', async () => {
      const issued = await issueInSession(['openid', 'read']);
      const tokens = tokensOf(await redeemIssued(issued, { client_id: 'rp' }));
      await endSession();
      const refreshed = await respond(
        fixture.context,
        tokenEndpoint,
        formRequest({ grant_type: 'refresh_token', client_id: 'rp', refresh_token: tokens.refresh_token ?? '' }),
      );
      expect(refreshed.status).toBe(400);
      expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
      expect(revokedFor()).toEqual([{ grantId: issued.grantId, reason: 'session_ended' }]);
      expect(await introspect(tokens.access_token)).toEqual({ active: false });
    });

    it('leaves grants with offline_access, and those of a client that keeps grants after logout', async () => {
      const offline = await issueInSession(['openid', 'offline_access']);
      await fixture.updateOpenId('rp', { endGrantsWithSession: false });
      const kept = await issueInSession(['openid', 'read']);
      await endSession();
      expect((await redeemIssued(kept, { client_id: 'rp' })).status).toBe(200);
      await fixture.updateOpenId('rp', { endGrantsWithSession: true });
      expect((await redeemIssued(offline, { client_id: 'rp' })).status).toBe(200);
      expect(revokedFor()).toEqual([]);
    });

    it('is not refused while its session holds', async () => {
      const issued = await issueInSession(['openid', 'read']);
      expect((await redeemIssued(issued, { client_id: 'rp' })).status).toBe(200);
    });
  });

  it('refuses the code of a user disabled since, issuing nothing', async () => {
    const issued = await issueCode();
    await fixture.log.append([disableUser(user, { now: () => fixture.clock.now() }).event]);
    const response = await redeemIssued(issued);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_grant' });
    expect(countOf('AccessTokenIssued')).toBe(0);
    expect(countOf('AuthorizationCodeRedeemed')).toBe(0);
  });

  describe('when the events cannot be recorded', () => {
    const failingLog = (error: Error): EventLog => ({
      append: () => Promise.reject(error),
      subscribe: (options) => fixture.log.subscribe(options),
      replay: (streams, handler) => fixture.log.replay(streams, handler),
      ping: async () => false,
      close: async () => undefined,
    });

    it('answers 503, hands nothing out, and releases the claim so the same code works afterwards', async () => {
      const issued = await issueCode();
      const down = { ...fixture.context, log: failingLog(new EventLogUnavailableError('down')) };
      const refused = await redeem({ code: issued.code, code_verifier: issued.verifier, redirect_uri: REDIRECT }, down);
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ error: 'temporarily_unavailable' });
      expect(JSON.stringify(refused.body)).not.toContain('access_token');
      expect(countOf('AuthorizationCodeRedeemed')).toBe(0);

      const retried = await redeemIssued(issued);
      expect(retried.status).toBe(200);
      expect(countOf('GrantRevoked')).toBe(0);
      expect(await introspect(tokensOf(retried).access_token)).toMatchObject({ active: true });
    });

    it('releases the claim after an unexpected append error too', async () => {
      const issued = await issueCode();
      const broken = { ...fixture.context, log: failingLog(new Error('disk full')) };
      const refused = await redeem(
        { code: issued.code, code_verifier: issued.verifier, redirect_uri: REDIRECT },
        broken,
      );
      expect(refused.status).toBe(500);
      expect((await redeemIssued(issued)).status).toBe(200);
    });

    it('still treats a third presentation after a successful retry as replay', async () => {
      const issued = await issueCode();
      const down = { ...fixture.context, log: failingLog(new EventLogUnavailableError('down')) };
      await redeem({ code: issued.code, code_verifier: issued.verifier, redirect_uri: REDIRECT }, down);
      expect((await redeemIssued(issued)).status).toBe(200);
      const replay = await redeemIssued(issued);
      expect(replay.body).toMatchObject({ error: 'invalid_grant' });
      expect((await fixture.store.read({ clientIds: [], grantId: issued.grantId })).revoked).toBe(true);
    });
  });
});
