import type { UserRecord } from '@grantline/lib-projections';
import { basicAuth, formRequest, oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import { verifiedClaims } from '../access-token-check';
import { decideAccessToken } from '../access-token-issuer';
import type { OAuthRequest, OAuthResponse } from '../http-types';
import { introspectionEndpoint } from '../introspection-endpoint';
import type { OAuthContext } from '../oauth-context';
import { revocationEndpoint } from '../revocation-endpoint';
import { tokenEndpoint } from '../token-endpoint';
import { userInfoEndpoint } from '../user-info-endpoint';
import { disableUser } from '../users/user-commands';
import {
  createPersonalAccessTokenEndpoint,
  listPersonalAccessTokensEndpoint,
  revokePersonalAccessTokenEndpoint,
} from './pat-endpoints';

interface Created {
  id: string;
  access_token: string;
  token_type: string;
  name: string;
  scopes: string[];
  expires_at: string;
}

const bearer = (token: string, method = 'POST'): OAuthRequest => ({
  method,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: '',
  remoteAddress: '127.0.0.1',
  requestId: 'pat-request',
});

describe('personal access tokens over the API', () => {
  let fixture: OAuthFixture;
  let ada: UserRecord;
  let grace: UserRecord;
  let adaToken: string;

  const call = (endpoint: (context: OAuthContext, request: OAuthRequest) => Promise<OAuthResponse>, token: string) =>
    respond(fixture.context, endpoint, bearer(token));
  const create = (token: string, body: unknown) =>
    call((context, request) => createPersonalAccessTokenEndpoint(context, request, body), token);
  const created = async (token: string, body: unknown) => {
    const response = await create(token, body);
    if (response.status !== 201) throw new Error(`creation failed: ${JSON.stringify(response.body)}`);
    return response.body as Created;
  };
  const list = async (token: string) =>
    (await call(listPersonalAccessTokensEndpoint, token)).body as { personal_access_tokens: Array<{ id: string }> };
  const revoke = (token: string, id: string) =>
    call((context, request) => revokePersonalAccessTokenEndpoint(context, request, id), token);
  const introspect = async (token: string) =>
    (
      await respond(
        fixture.context,
        introspectionEndpoint,
        formRequest({ token }, { authorization: basicAuth('rs', 'rs-secret-1') }),
      )
    ).body;
  const userInfo = (token: string) => respond(fixture.context, userInfoEndpoint, bearer(token, 'GET'));
  const eventsOf = (type: string) => fixture.log.events.filter((event) => event.type === type);

  async function userToken(user: UserRecord, scopes: string[]): Promise<string> {
    const issued = await decideAccessToken(fixture.context, bearer(''), {
      clientId: 'app',
      subject: user.userId,
      scopes,
      grantType: 'authorization_code',
      grantId: `grant-${user.userId}`,
    });
    await fixture.log.append([issued.event]);
    return issued.token;
  }

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerClient({
      name: 'app',
      client_id: 'app',
      public: true,
      grant_types: ['authorization_code'],
      scopes: 'read write admin',
      redirect_uris: ['https://app.test/cb'],
    });
    await fixture.registerClient({ name: 'rs', client_id: 'rs', client_secret: 'rs-secret-1', scopes: 'read' });
    ada = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
    grace = await fixture.registerUser({
      email: 'grace@example.test',
      name: 'Grace',
      password: 'correct horse battery',
    });
    adaToken = await userToken(ada, ['read', 'write', 'personal-access-tokens']);
  });

  it('creates a token for the caller, records it without its value, and lists it without it', async () => {
    const response = await create(adaToken, { name: 'CI', scopes: ['read'], expires_in: 86_400 });
    expect(response.status).toBe(201);
    expect(response.headers['Cache-Control']).toBe('no-store');
    const body = response.body as Created;
    expect(body).toEqual({
      id: expect.any(String),
      access_token: expect.any(String),
      token_type: 'Bearer',
      name: 'CI',
      scopes: ['read'],
      expires_at: '2026-01-02T00:00:00.000Z',
    });
    expect(await verifiedClaims(fixture.context, body.access_token)).toMatchObject({
      sub: ada.userId,
      client_id: 'personal-access-token',
      scope: 'read',
      jti: body.id,
      pat: true,
    });
    const [event] = eventsOf('PersonalAccessTokenCreated');
    expect(event?.data).toMatchObject({ by: { kind: 'user', userId: ada.userId, clientId: 'app' } });
    expect(JSON.stringify(fixture.log.events)).not.toContain(body.access_token);
    const listed = await list(adaToken);
    expect(listed.personal_access_tokens).toEqual([
      {
        id: body.id,
        name: 'CI',
        scopes: ['read'],
        created_at: '2026-01-01T00:00:00.000Z',
        expires_at: body.expires_at,
        revoked: false,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(body.access_token);
  });

  it('gives a token the default lifetime when expires_in is left out', async () => {
    const body = await created(adaToken, { name: 'default', scopes: 'read write' });
    expect(body.expires_at).toBe('2026-01-31T00:00:00.000Z');
  });

  it.each([
    ['a scope beyond the presenting token', { name: 'n', scopes: ['read', 'admin'] }, 400, 'invalid_scope'],
    ['a scope the server does not offer', { name: 'n', scopes: ['billing'] }, 400, 'invalid_scope'],
    ['a malformed scope', { name: 'n', scopes: ['a"b'] }, 400, 'invalid_scope'],
    ['a control character in the name', { name: 'a\u0007', scopes: [] }, 400, 'invalid_request'],
    ['a lifetime above the maximum', { name: 'n', scopes: [], expires_in: 365 * 86_400 + 1 }, 400, 'invalid_request'],
    ['a lifetime of zero', { name: 'n', scopes: [], expires_in: 0 }, 400, 'invalid_request'],
  ])('refuses %s and records nothing', async (_label, body, status, error) => {
    const response = await create(adaToken, body);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ error });
    expect(eventsOf('PersonalAccessTokenCreated')).toHaveLength(0);
  });

  it('names the scopes beyond the presenting token', async () => {
    const presented = await userToken(ada, ['read', 'personal-access-tokens']);
    const response = await create(presented, { name: 'n', scopes: ['read', 'write'] });
    expect(response.body).toMatchObject({
      error: 'invalid_scope',
      error_description: expect.stringContaining('write'),
    });
  });

  it.each([
    ['no token', ''],
    ['a garbage token', 'not-a-token'],
  ])('answers 401 with a Bearer challenge for %s', async (_label, token) => {
    const response = await respond(fixture.context, listPersonalAccessTokensEndpoint, {
      ...bearer(token),
      headers: token === '' ? {} : { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toMatch(/^Bearer realm="grantline"/);
  });

  it('refuses a machine token (client_credentials): there is no user', async () => {
    const machine = await respond(
      fixture.context,
      tokenEndpoint,
      formRequest({ grant_type: 'client_credentials', client_id: 'rs', client_secret: 'rs-secret-1' }),
    );
    const response = await create((machine.body as { access_token: string }).access_token, { name: 'n', scopes: [] });
    expect(response.status).toBe(401);
  });

  it('lets a personal access token mint one only with the personal-access-tokens scope, within its scopes', async () => {
    const narrow = await created(adaToken, { name: 'narrow', scopes: ['read'] });
    for (const attempt of [
      () => create(narrow.access_token, { name: 'child', scopes: ['read'] }),
      () => call(listPersonalAccessTokensEndpoint, narrow.access_token),
      () => revoke(narrow.access_token, narrow.id),
    ]) {
      const refused = await attempt();
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: 'insufficient_scope' });
      expect(refused.headers['WWW-Authenticate']).toContain('scope="personal-access-tokens"');
      // RFC 9728 §5.1: every step that refuses names the resource's metadata.
      expect(refused.headers['WWW-Authenticate']).toContain(
        'resource_metadata="https://issuer.test/.well-known/oauth-protected-resource"',
      );
    }

    const minting = await created(adaToken, { name: 'minting', scopes: ['read', 'personal-access-tokens'] });
    const child = await created(minting.access_token, { name: 'child', scopes: ['read'] });
    expect(child.scopes).toEqual(['read']);
    const [, , event] = eventsOf('PersonalAccessTokenCreated');
    expect(event?.data).toMatchObject({ by: { kind: 'user', userId: ada.userId, clientId: null } });
    expect((await create(minting.access_token, { name: 'wider', scopes: ['write'] })).body).toMatchObject({
      error: 'invalid_scope',
    });
  });

  it("shows and revokes only the caller's own tokens: another user's id is 404, as is an unknown one", async () => {
    const adas = await created(adaToken, { name: 'ada', scopes: ['read'] });
    const graceToken = await userToken(grace, ['read']);
    expect((await list(graceToken)).personal_access_tokens).toEqual([]);
    for (const id of [adas.id, 'no-such-token', '../etc']) {
      const response = await revoke(graceToken, id);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found' });
    }
    expect((await introspect(adas.access_token)) as object).toMatchObject({ active: true });
  });

  it('introspects a token as a personal access token of its user, and it works at /api/user', async () => {
    const body = await created(adaToken, { name: 'n', scopes: ['read', 'write'] });
    const introspection = (await introspect(body.access_token)) as Record<string, unknown>;
    expect(introspection).toMatchObject({
      active: true,
      token_type: 'personal_access_token',
      sub: ada.userId,
      scope: 'read write',
      username: 'ada@example.test',
      exp: Date.parse(body.expires_at) / 1000,
    });
    expect(introspection).not.toHaveProperty('client_id');
    const me = await userInfo(body.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ sub: ada.userId });
  });

  it('revokes at once: inactive at introspection, 401 at /api/user, marked in the list; again is a no-op', async () => {
    const body = await created(adaToken, { name: 'n', scopes: ['read'] });
    const response = await revoke(adaToken, body.id);
    expect(response.status).toBe(204);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(await introspect(body.access_token)).toEqual({ active: false });
    expect((await userInfo(body.access_token)).status).toBe(401);
    expect((await list(adaToken)).personal_access_tokens).toEqual([
      expect.objectContaining({ id: body.id, revoked: true }),
    ]);
    expect((await revoke(adaToken, body.id)).status).toBe(204);
    expect(eventsOf('PersonalAccessTokenRevoked')).toHaveLength(1);
    expect(eventsOf('PersonalAccessTokenRevoked')[0]?.data).toMatchObject({
      token: { tokenId: body.id, revokedAt: expect.any(Number) },
      by: { kind: 'user', userId: ada.userId, clientId: 'app' },
    });
  });

  it('revokes through POST /oauth/revoke by its holder as a personal access token (RFC 7009)', async () => {
    const body = await created(adaToken, { name: 'n', scopes: ['read'] });
    const byClient = await respond(
      fixture.context,
      revocationEndpoint,
      formRequest({ token: body.access_token }, { authorization: basicAuth('rs', 'rs-secret-1') }),
    );
    expect(byClient.status).toBe(400);
    expect(byClient.body).toMatchObject({ error: 'invalid_request' });
    expect(await introspect(body.access_token)).toMatchObject({ active: true });

    const byHolder = await respond(fixture.context, revocationEndpoint, formRequest({ token: body.access_token }));
    expect(byHolder.status).toBe(200);
    expect(await introspect(body.access_token)).toEqual({ active: false });
    expect(eventsOf('AccessTokenRevoked')).toHaveLength(0);
    expect(eventsOf('PersonalAccessTokenRevoked')[0]?.data).toMatchObject({
      by: { kind: 'user', userId: ada.userId, clientId: null },
    });
    expect((await list(adaToken)).personal_access_tokens).toEqual([expect.objectContaining({ revoked: true })]);
  });

  it('expires: inactive, 401 at /api/user, left out of the list, and 404 to revoke', async () => {
    const body = await created(adaToken, { name: 'short', scopes: ['read'], expires_in: 60 });
    fixture.clock.advance(61);
    const fresh = await userToken(ada, ['read', 'personal-access-tokens']);
    expect(await introspect(body.access_token)).toEqual({ active: false });
    expect((await userInfo(body.access_token)).status).toBe(401);
    expect((await list(fresh)).personal_access_tokens).toEqual([]);
    expect((await revoke(fresh, body.id)).status).toBe(404);
  });

  it("is inactive while its user is disabled, whatever the token's own state", async () => {
    const body = await created(adaToken, { name: 'n', scopes: ['read'] });
    await fixture.log.append([disableUser(ada, { now: () => fixture.clock.now() }).event]);
    expect(await introspect(body.access_token)).toEqual({ active: false });
    expect((await userInfo(body.access_token)).status).toBe(401);
  });
});
