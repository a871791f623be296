import { ZodError } from 'zod';
import type { UserRecord } from '@grantline/lib-projections';
import { oauthFixture, respond, type OAuthFixture } from '@grantline/lib-testing';
import { OAuthError } from '../errors';
import type { OAuthRequest } from '../http-types';
import { userInfoEndpoint } from '../user-info-endpoint';
import { disableUser } from '../users/user-commands';
import {
  adminCreatePersonalAccessToken,
  adminListPersonalAccessTokens,
  adminRevokePersonalAccessToken,
} from './pat-admin';

const atUserInfo = (token: string): OAuthRequest => ({
  method: 'GET',
  headers: { authorization: `Bearer ${token}` },
  body: '',
  remoteAddress: '127.0.0.1',
  requestId: 'admin-test',
});

describe('personal access tokens through the admin commands', () => {
  let fixture: OAuthFixture;
  let user: UserRecord;
  const events = () => ({ now: () => fixture.clock.now() });
  const create = (userId: string, body: unknown) =>
    adminCreatePersonalAccessToken(fixture.context, events(), userId, body);

  beforeEach(async () => {
    fixture = await oauthFixture();
    await fixture.registerClient({
      name: 'app',
      client_id: 'app',
      client_secret: 'app-secret-1',
      scopes: 'read write',
    });
    user = await fixture.registerUser({ email: 'ada@example.test', name: 'Ada', password: 'correct horse battery' });
  });

  it('mints a working token for a user, recorded as the operator’s', async () => {
    const created = await create(user.userId, { name: 'CLI', scopes: ['read', 'personal-access-tokens'] });
    expect(created).toMatchObject({ token_type: 'Bearer', name: 'CLI', scopes: ['read', 'personal-access-tokens'] });
    expect((await respond(fixture.context, userInfoEndpoint, atUserInfo(created.access_token))).status).toBe(200);
    const event = fixture.log.events.find((candidate) => candidate.type === 'PersonalAccessTokenCreated');
    expect(event?.data).toMatchObject({ by: { kind: 'admin' }, token: { userId: user.userId } });
    expect(await adminListPersonalAccessTokens(fixture.context, user.userId)).toEqual({
      personal_access_tokens: [expect.objectContaining({ id: created.id, revoked: false })],
    });
  });

  it.each([
    ['an unknown user', 'no-such-user', { name: 'n', scopes: [] }, 404],
    ['a scope no client offers', 'USER', { name: 'n', scopes: ['billing'] }, 400],
  ])('refuses %s', async (_label, userId, body, status) => {
    const refusal = create(userId === 'USER' ? user.userId : userId, body);
    await expect(refusal).rejects.toBeInstanceOf(OAuthError);
    await expect(refusal).rejects.toMatchObject({ error: 'invalid_request', status });
  });

  it('refuses a disabled user (409)', async () => {
    await fixture.log.append([disableUser(user, events()).event]);
    await expect(create(user.userId, { name: 'n', scopes: [] })).rejects.toMatchObject({ status: 409 });
  });

  it('checks the body with the public schema (a ZodError is the admin 400)', async () => {
    await expect(create(user.userId, { name: '', scopes: [] })).rejects.toBeInstanceOf(ZodError);
    await expect(create(user.userId, { name: 'n', scopes: [], expires_in: 366 * 86_400 })).rejects.toBeInstanceOf(
      ZodError,
    );
  });

  it('revokes any user’s token by id, idempotently; an unknown id is 404', async () => {
    const created = await create(user.userId, { name: 'n', scopes: ['read'] });
    await adminRevokePersonalAccessToken(fixture.context, events(), created.id);
    await adminRevokePersonalAccessToken(fixture.context, events(), created.id);
    expect((await respond(fixture.context, userInfoEndpoint, atUserInfo(created.access_token))).status).toBe(401);
    const revoked = fixture.log.events.filter((event) => event.type === 'PersonalAccessTokenRevoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]?.data).toMatchObject({ by: { kind: 'admin' } });
    await expect(adminRevokePersonalAccessToken(fixture.context, events(), 'nope')).rejects.toMatchObject({
      status: 404,
    });
  });

  it('lists by user id: 404 for an unknown user', async () => {
    await expect(adminListPersonalAccessTokens(fixture.context, 'nobody')).rejects.toMatchObject({ status: 404 });
  });
});
