import { EventLogUnavailableError, type EventLog } from '@grantline/lib-event-log';
import type { UserRecord } from '@grantline/lib-projections';
import { formRequest, oauthFixture, pkcePair, respond, type OAuthFixture } from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import { decideAuthorizationCode } from '../authorize/code-issuer';
import type { OAuthRequest, OAuthResponse } from '../http-types';
import { introspectionEndpoint } from '../introspection-endpoint';
import type { OAuthContext } from '../oauth-context';
import { revocationEndpoint } from '../revocation-endpoint';
import { tokenEndpoint } from '../token-endpoint';
import { disableUser } from '../users/user-commands';
import { updateClient } from '../clients/client-commands';
import { updateClientSchema } from '../clients/client-input';

const REDIRECT = 'https://app.test/cb';
const authorizeRequest: OAuthRequest = {
  method: 'GET',
  headers: {},
  body: '',
  remoteAddress: '127.0.0.1',
  requestId: 'authorize-request',
};

interface Tokens {
  access_token: string;
  refresh_token: string;
  scope: string;
}

interface Grant {
  grantId: string;
  tokens: Tokens;
}

describe('POST /oauth/token, refresh_token', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;

  const refresh = (token: string, extra: Record<string, string> = {}, context: OAuthContext = fixture.context) =>
    respond(
      context,
      tokenEndpoint,
      formRequest({ grant_type: 'refresh_token', client_id: 'app', refresh_token: token, ...extra }),
    );
  const tokensOf = (response: OAuthResponse): Tokens => {
    expect(response.status).toBe(200);
    return response.body as Tokens;
  };
  const isRevoked = async (grantId: string) => (await fixture.store.read({ clientIds: [], grantId })).revoked;
  const countOf = (type: string) => fixture.log.events.filter((event) => event.type === type).length;
  const lastOf = (type: string) => fixture.log.events.filter((event) => event.type === type).at(-1);
  const introspect = async (token: string) =>
    (
      await respond(
        fixture.context,
        introspectionEndpoint,
        formRequest({ token, client_id: 'rs', client_secret: 'rs-secret-1' }),
      )
    ).body;

  async function registerApp(clientId: string, policy: Record<string, number> = {}): Promise<void> {
    await fixture.registerClient({
      name: clientId,
      client_id: clientId,
      public: true,
      grant_types: ['authorization_code', 'refresh_token'],
      scopes: 'read write',
      redirect_uris: [REDIRECT],
      ...policy,
    });
  }

  /** Authorizes and redeems a code, as the authorize and token endpoints would. */
  async function startGrant(
    clientId = 'app',
    scopes = ['read', 'write'],
    credentials: Record<string, string> = {},
  ): Promise<Grant> {
    const client = await fixture.store.getClient(clientId);
    if (!client) throw new Error('client missing');
    const { verifier, challenge } = pkcePair();
    const issued = await decideAuthorizationCode(
      fixture.context,
      authorizeRequest,
      { clientId, redirectUri: REDIRECT, redirectUriGiven: true, scopes, codeChallenge: challenge, resources: [] },
      client,
      user,
      Math.floor(fixture.clock.now().getTime() / 1000),
    );
    await fixture.log.append([issued.event]);
    if (issued.event.type !== 'AuthorizationCodeIssued') throw new Error('no code issued');
    const response = await respond(
      fixture.context,
      tokenEndpoint,
      formRequest({
        grant_type: 'authorization_code',
        client_id: clientId,
        code: new URL(issued.location).searchParams.get('code') ?? '',
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        ...credentials,
      }),
    );
    return { grantId: issued.event.data.grantId, tokens: tokensOf(response) };
  }

  beforeEach(async () => {
    fixture = await oauthFixture();
    await registerApp('app');
    await fixture.registerClient({ name: 'rs', client_id: 'rs', client_secret: 'rs-secret-1' });
    user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  });

  describe('rotation', () => {
    it('answers a new access token and a new refresh token of the same grant', async () => {
      const grant = await startGrant();
      const next = tokensOf(await refresh(grant.tokens.refresh_token));
      expect(next.refresh_token).toEqual(expect.any(String));
      expect(next.refresh_token).not.toBe(grant.tokens.refresh_token);
      expect(next.access_token).not.toBe(grant.tokens.access_token);
      expect(next.scope).toBe('read write');
      expect(await verifiedClaims(fixture.context, next.access_token)).toMatchObject({
        gid: grant.grantId,
        sub: user.userId,
        client_id: 'app',
      });
      expect(lastOf('RefreshTokenRotated')).toMatchObject({
        data: { grantId: grant.grantId, withinGracePeriod: false, scope: 'read write' },
      });
      expect(JSON.stringify(fixture.log.events)).not.toContain(next.refresh_token);
    });

    it('keeps rotating along the chain', async () => {
      const grant = await startGrant();
      let token = grant.tokens.refresh_token;
      for (let step = 0; step < 3; step += 1) token = tokensOf(await refresh(token)).refresh_token;
      expect(countOf('RefreshTokenRotated')).toBe(3);
      expect(await isRevoked(grant.grantId)).toBe(false);
    });
  });

  describe('a confidential client registered not to rotate (FAPI 2.0)', () => {
    const backend = { client_id: 'backend', client_secret: 'backend-secret-1' };
    const registerBackend = (rotation: boolean) =>
      fixture.registerClient({
        name: 'backend',
        ...backend,
        grant_types: ['authorization_code', 'refresh_token'],
        scopes: 'read write',
        redirect_uris: [REDIRECT],
        refresh_token_rotation: rotation,
      });
    const setRotation = async (rotation: boolean) => {
      const current = await fixture.store.getClient('backend');
      const change = updateClientSchema.parse({ refresh_token_rotation: rotation });
      await fixture.log.append([updateClient(change, current, { now: () => fixture.clock.now() }).event]);
    };

    it('uses one refresh token again and again and answers without a new one (RFC 6749 §6)', async () => {
      await registerBackend(false);
      const grant = await startGrant('backend', ['read', 'write'], backend);
      const issued = lastOf('RefreshTokenIssued')?.data as { expiresAt: number; grantExpiresAt: number };
      // No use can slide an idle expiry of a kept token: it lasts until the grant's absolute end.
      expect(issued.expiresAt).toBe(issued.grantExpiresAt);
      const seen = new Set([grant.tokens.access_token]);
      for (let use = 0; use < 3; use += 1) {
        const answer = await refresh(grant.tokens.refresh_token, backend);
        expect(answer.status).toBe(200);
        expect(answer.body).not.toHaveProperty('refresh_token');
        const { access_token: accessToken } = answer.body as Tokens;
        expect(seen.has(accessToken)).toBe(false);
        seen.add(accessToken);
        expect(await introspect(accessToken)).toMatchObject({ active: true, client_id: 'backend' });
      }
      expect(countOf('RefreshTokenRotated')).toBe(0);
      expect(await isRevoked(grant.grantId)).toBe(false);
    });

    it('still ends with its grant: revoking the kept token refuses it afterwards', async () => {
      await registerBackend(false);
      const grant = await startGrant('backend', ['read'], backend);
      const revoked = await respond(
        fixture.context,
        revocationEndpoint,
        formRequest({ token: grant.tokens.refresh_token, ...backend }),
      );
      expect(revoked.status).toBe(200);
      expect((await refresh(grant.tokens.refresh_token, backend)).body).toMatchObject({ error: 'invalid_grant' });
    });

    it('keeps reuse detection for a token issued while the client rotated', async () => {
      await registerBackend(true);
      const grant = await startGrant('backend', ['read'], backend);
      await setRotation(false);
      const next = tokensOf(await refresh(grant.tokens.refresh_token, backend));
      expect(countOf('RefreshTokenRotated')).toBe(1);
      // The rotated-out token is still single-use: presenting it again ends the grant.
      expect((await refresh(grant.tokens.refresh_token, backend)).body).toMatchObject({ error: 'invalid_grant' });
      expect(await isRevoked(grant.grantId)).toBe(true);
      expect((await refresh(next.refresh_token, backend)).body).toMatchObject({ error: 'invalid_grant' });
    });

    it('rotates a kept token, once, when rotation is switched back on', async () => {
      await registerBackend(false);
      const grant = await startGrant('backend', ['read'], backend);
      await setRotation(true);
      const next = tokensOf(await refresh(grant.tokens.refresh_token, backend));
      expect(next.refresh_token).not.toBe(grant.tokens.refresh_token);
      expect((await refresh(grant.tokens.refresh_token, backend)).body).toMatchObject({ error: 'invalid_grant' });
      expect(await isRevoked(grant.grantId)).toBe(true);
    });
  });

  describe('reuse of a rotated-out token', () => {
    it('is refused and revokes the grant, with every token issued from it', async () => {
      const grant = await startGrant();
      const next = tokensOf(await refresh(grant.tokens.refresh_token));

      const reused = await refresh(grant.tokens.refresh_token);
      expect(reused.status).toBe(400);
      expect(reused.body).toMatchObject({ error: 'invalid_grant' });
      expect(reused.body).not.toHaveProperty('access_token');
      expect(await isRevoked(grant.grantId)).toBe(true);
      expect(fixture.log.events.slice(-2)).toMatchObject([
        { type: 'ArtifactReuseDetected', data: { grantId: grant.grantId, artifact: 'refresh_token' } },
        { type: 'GrantRevoked', data: { grantId: grant.grantId, reason: 'refresh_token_reuse' } },
      ]);

      expect((await refresh(next.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
      expect(await introspect(next.access_token)).toEqual({ active: false });
      expect(await introspect(grant.tokens.access_token)).toEqual({ active: false });
    });

    it('is refused straight away with the default strict policy', async () => {
      const grant = await startGrant();
      tokensOf(await refresh(grant.tokens.refresh_token));
      fixture.clock.advance(1);
      expect((await refresh(grant.tokens.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
      expect(await isRevoked(grant.grantId)).toBe(true);
    });

    it('leaves other grants of the same user and client alone', async () => {
      const stolen = await startGrant();
      const other = await startGrant();
      await refresh(stolen.tokens.refresh_token);
      await refresh(stolen.tokens.refresh_token);
      expect(await isRevoked(other.grantId)).toBe(false);
      expect((await refresh(other.tokens.refresh_token)).status).toBe(200);
    });
  });

  describe('scope', () => {
    it('may be narrowed for the access token, while the grant keeps its scope', async () => {
      const grant = await startGrant();
      const narrowed = tokensOf(await refresh(grant.tokens.refresh_token, { scope: 'read' }));
      expect(narrowed.scope).toBe('read');
      expect(await verifiedClaims(fixture.context, narrowed.access_token)).toMatchObject({ scope: 'read' });
      const again = tokensOf(await refresh(narrowed.refresh_token));
      expect(again.scope).toBe('read write');
    });

    it.each([
      ['a scope the grant lacks', 'read admin'],
      ['only a scope the grant lacks', 'admin'],
      ['a scope that differs in case', 'READ'],
    ])('refuses %s with invalid_scope, without using the token up', async (_name, scope) => {
      const grant = await startGrant();
      const refused = await refresh(grant.tokens.refresh_token, { scope });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_scope' });
      expect(countOf('RefreshTokenRotated')).toBe(0);
      expect(tokensOf(await refresh(grant.tokens.refresh_token)).scope).toBe('read write');
      expect(await isRevoked(grant.grantId)).toBe(false);
    });

    it('cannot be widened to a scope the client has but the grant lacks', async () => {
      const grant = await startGrant('app', ['read']);
      const refused = await refresh(grant.tokens.refresh_token, { scope: 'read write' });
      expect(refused.body).toMatchObject({ error: 'invalid_scope' });
      expect(tokensOf(await refresh(grant.tokens.refresh_token)).scope).toBe('read');
    });
  });

  describe('grace period', () => {
    beforeEach(() => registerApp('graceful', { refresh_token_grace_period: 30 }));

    it('lets the rotated-out token be presented again within the window, without revoking the grant', async () => {
      const grant = await startGrant('graceful');
      const first = tokensOf(await refresh(grant.tokens.refresh_token, { client_id: 'graceful' }));
      fixture.clock.advance(30);
      const second = tokensOf(await refresh(grant.tokens.refresh_token, { client_id: 'graceful' }));
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(lastOf('RefreshTokenRotated')).toMatchObject({ data: { withinGracePeriod: true } });
      expect(await isRevoked(grant.grantId)).toBe(false);
      expect((await refresh(first.refresh_token, { client_id: 'graceful' })).status).toBe(200);
      expect((await refresh(second.refresh_token, { client_id: 'graceful' })).status).toBe(200);
    });

    it('revokes the grant when the rotated-out token comes after the window', async () => {
      const grant = await startGrant('graceful');
      const first = tokensOf(await refresh(grant.tokens.refresh_token, { client_id: 'graceful' }));
      fixture.clock.advance(31);
      const late = await refresh(grant.tokens.refresh_token, { client_id: 'graceful' });
      expect(late.body).toMatchObject({ error: 'invalid_grant' });
      expect(await isRevoked(grant.grantId)).toBe(true);
      expect((await refresh(first.refresh_token, { client_id: 'graceful' })).body).toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('counts the window from the first presentation, not from the last one', async () => {
      const grant = await startGrant('graceful');
      tokensOf(await refresh(grant.tokens.refresh_token, { client_id: 'graceful' }));
      fixture.clock.advance(20);
      tokensOf(await refresh(grant.tokens.refresh_token, { client_id: 'graceful' }));
      fixture.clock.advance(20);
      expect((await refresh(grant.tokens.refresh_token, { client_id: 'graceful' })).body).toMatchObject({
        error: 'invalid_grant',
      });
      expect(await isRevoked(grant.grantId)).toBe(true);
    });

    it('does not extend to clients registered without one', async () => {
      const strict = await startGrant('app');
      tokensOf(await refresh(strict.tokens.refresh_token));
      expect((await refresh(strict.tokens.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('lifetimes', () => {
    beforeEach(() => registerApp('short', { refresh_token_idle_ttl: 100, refresh_token_absolute_ttl: 250 }));

    it('keeps a refresh token usable until just before its idle lifetime ends', async () => {
      const grant = await startGrant('short');
      fixture.clock.advance(99);
      expect((await refresh(grant.tokens.refresh_token, { client_id: 'short' })).status).toBe(200);
    });

    it('refuses a refresh token unused for its idle lifetime, without revoking the grant', async () => {
      const grant = await startGrant('short');
      fixture.clock.advance(100);
      const expired = await refresh(grant.tokens.refresh_token, { client_id: 'short' });
      expect(expired.status).toBe(400);
      expect(expired.body).toMatchObject({ error: 'invalid_grant' });
      expect(countOf('RefreshTokenRotated')).toBe(0);
      expect(countOf('GrantRevoked')).toBe(0);
    });

    it('restarts the idle lifetime with each rotation', async () => {
      const grant = await startGrant('short');
      fixture.clock.advance(90);
      const next = tokensOf(await refresh(grant.tokens.refresh_token, { client_id: 'short' }));
      fixture.clock.advance(90);
      expect((await refresh(next.refresh_token, { client_id: 'short' })).status).toBe(200);
    });

    it('ends every refresh token at the grant’s absolute end, however often it rotates', async () => {
      const grant = await startGrant('short');
      fixture.clock.advance(90);
      let token = tokensOf(await refresh(grant.tokens.refresh_token, { client_id: 'short' })).refresh_token;
      fixture.clock.advance(90);
      token = tokensOf(await refresh(token, { client_id: 'short' })).refresh_token;
      fixture.clock.advance(69);
      token = tokensOf(await refresh(token, { client_id: 'short' })).refresh_token;
      const rotated = lastOf('RefreshTokenRotated');
      if (rotated?.type !== 'RefreshTokenRotated') throw new Error('no rotation recorded');
      expect(rotated.data.expiresAt).toBe(rotated.data.grantExpiresAt);
      fixture.clock.advance(1);
      const ended = await refresh(token, { client_id: 'short' });
      expect(ended.body).toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('refusals that use nothing up', () => {
    it('refuses a token presented by another client, and the owner can still use it', async () => {
      await registerApp('other');
      const grant = await startGrant();
      const refused = await refresh(grant.tokens.refresh_token, { client_id: 'other' });
      expect(refused.body).toMatchObject({ error: 'invalid_grant' });
      expect(await isRevoked(grant.grantId)).toBe(false);
      expect((await refresh(grant.tokens.refresh_token)).status).toBe(200);
    });

    it.each([
      ['garbage', () => 'not-a-refresh-token'],
      ['an access token', (grant: Grant) => grant.tokens.access_token],
    ])('refuses %s as a refresh token', async (_name, valueOf) => {
      const grant = await startGrant();
      const refused = await refresh(valueOf(grant));
      expect(refused.body).toMatchObject({ error: 'invalid_grant' });
      expect(countOf('RefreshTokenRotated')).toBe(0);
    });

    it('refuses the token of a user disabled since', async () => {
      const grant = await startGrant();
      await fixture.log.append([disableUser(user, { now: () => fixture.clock.now() }).event]);
      const refused = await refresh(grant.tokens.refresh_token);
      expect(refused.body).toMatchObject({ error: 'invalid_grant' });
      expect(countOf('RefreshTokenRotated')).toBe(0);
    });

    it('releases the claim when the events cannot be recorded, so the token works afterwards', async () => {
      const grant = await startGrant();
      const down: EventLog = {
        append: () => Promise.reject(new EventLogUnavailableError('down')),
        subscribe: (options) => fixture.log.subscribe(options),
        replay: (streams, handler) => fixture.log.replay(streams, handler),
        ping: async () => false,
        close: async () => undefined,
      };
      const failed = await refresh(grant.tokens.refresh_token, {}, { ...fixture.context, log: down });
      expect(failed.status).toBe(503);
      expect(failed.body).not.toHaveProperty('refresh_token');
      expect((await refresh(grant.tokens.refresh_token)).status).toBe(200);
      expect(await isRevoked(grant.grantId)).toBe(false);
    });
  });

  it('revoking a refresh token at /oauth/revoke revokes its grant', async () => {
    const grant = await startGrant();
    const revoked = await respond(
      fixture.context,
      revocationEndpoint,
      formRequest({ token: grant.tokens.refresh_token, client_id: 'app' }),
    );
    expect(revoked.status).toBe(200);
    expect(lastOf('GrantRevoked')).toMatchObject({ data: { grantId: grant.grantId, reason: 'refresh_token_revoked' } });
    expect(await isRevoked(grant.grantId)).toBe(true);
    expect((await refresh(grant.tokens.refresh_token)).body).toMatchObject({ error: 'invalid_grant' });
    expect(await introspect(grant.tokens.access_token)).toEqual({ active: false });
  });
});
