import { randomIds } from '../clock';
import { verifySecret } from '../client-secret';
import { registerClientSchema, updateClientSchema } from './client-input';
import { OAuthError } from '../errors';
import { deleteClient, publicView, registerClient, rotateClientSecret, updateClient } from './client-commands';

const context = { now: () => new Date('2026-01-01T00:00:00Z') };
const input = (overrides: Record<string, unknown> = {}) =>
  registerClientSchema.parse({ name: 'svc', scopes: 'read write', ...overrides });

describe('client commands', () => {
  it('registers a confidential client whose event carries only a verifiable hash of the secret', async () => {
    const decision = await registerClient(input(), null, randomIds, context);
    expect(decision.secret).toEqual(expect.any(String));
    expect(decision.secret?.length).toBeGreaterThanOrEqual(43);
    expect(JSON.stringify(decision.event)).not.toContain(decision.secret);
    expect(decision.event).toMatchObject({
      type: 'ClientRegistered',
      aggregate: { type: 'client', id: decision.client.clientId },
    });
    expect(await verifySecret(decision.secret ?? '', decision.client.secretHash ?? '')).toBe(true);
    expect(await verifySecret('not-it', decision.client.secretHash ?? '')).toBe(false);
  });

  it('registers a public client without any secret', async () => {
    const decision = await registerClient(
      input({ public: true, grant_types: ['authorization_code'] }),
      null,
      randomIds,
      context,
    );
    expect(decision.secret).toBeUndefined();
    expect(decision.client.secretHash).toBeNull();
  });

  it.each([
    ['a public client with client_credentials', { public: true }],
    [
      'a public client with a secret',
      { public: true, grant_types: ['authorization_code'], client_secret: 'abcdefghij' },
    ],
    ['an unknown grant type', { grant_types: ['password'] }],
    ['a redirect URI with a fragment', { redirect_uris: ['https://app.test/cb#x'] }],
    ['a relative redirect URI', { redirect_uris: ['/cb'] }],
    ['an unknown field', { colour: 'blue' }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => input(overrides)).toThrow();
  });

  it('rotates refresh tokens unless a confidential client is registered or updated not to', async () => {
    const rotating = await registerClient(input({ grant_types: ['authorization_code'] }), null, randomIds, context);
    expect(rotating.client.refreshTokens.rotate).toBe(true);
    const kept = await registerClient(input({ refresh_token_rotation: false }), null, randomIds, context);
    expect(kept.client.refreshTokens.rotate).toBe(false);
    const updated = updateClient(updateClientSchema.parse({ refresh_token_rotation: false }), rotating.client, context);
    expect(updated.client.refreshTokens).toEqual({ ...rotating.client.refreshTokens, rotate: false });
  });

  it('refuses to let a public client keep its refresh tokens (OAuth 2.1 §4.3.1), at registration and update', async () => {
    const publicInput = { public: true, grant_types: ['authorization_code', 'refresh_token'] };
    const refused = registerClientSchema.safeParse({ name: 'app', ...publicInput, refresh_token_rotation: false });
    expect(JSON.stringify(refused.error?.issues)).toContain('always rotates its refresh tokens');
    const app = await registerClient(input(publicInput), null, randomIds, context);
    const update = updateClientSchema.parse({ refresh_token_rotation: false });
    expect(() => updateClient(update, app.client, context)).toThrow('always rotates its refresh tokens');
  });

  it('refuses to register an id that exists, and to change one that does not', async () => {
    const first = await registerClient(input({ client_id: 'fixed' }), null, randomIds, context);
    await expect(
      registerClient(input({ client_id: 'fixed' }), first.client, randomIds, context),
    ).rejects.toBeInstanceOf(OAuthError);
    expect(() => updateClient(updateClientSchema.parse({ name: 'x' }), null, context)).toThrow(OAuthError);
    expect(() => deleteClient(null, context)).toThrow(OAuthError);
  });

  it('rotates a secret so the old one no longer verifies', async () => {
    const registered = await registerClient(input(), null, randomIds, context);
    const rotated = await rotateClientSecret(undefined, registered.client, randomIds, context);
    expect(rotated.event.type).toBe('ClientSecretRotated');
    expect(await verifySecret(registered.secret ?? '', rotated.client.secretHash ?? '')).toBe(false);
    expect(await verifySecret(rotated.secret ?? '', rotated.client.secretHash ?? '')).toBe(true);
  });
});

describe("a client's OpenID Connect settings through the admin API", () => {
  const webApp = {
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: ['https://grafana.example/login/generic_oauth'],
  };

  it('registers them with the client and shows them by their registration names', async () => {
    const decision = await registerClient(
      input({
        ...webApp,
        id_token_signed_response_alg: 'ES256',
        subject_type: 'pairwise',
        post_logout_redirect_uris: ['https://grafana.example/login'],
        backchannel_logout_uri: 'https://grafana.example/backchannel',
        end_grants_with_session: false,
      }),
      null,
      randomIds,
      context,
    );
    expect(decision.client.openid).toMatchObject({
      idTokenSignedResponseAlg: 'ES256',
      subjectType: 'pairwise',
      postLogoutRedirectUris: ['https://grafana.example/login'],
      backchannelLogoutUri: 'https://grafana.example/backchannel',
      endGrantsWithSession: false,
    });
    expect(publicView(decision.client)).toMatchObject({
      id_token_signed_response_alg: 'ES256',
      subject_type: 'pairwise',
      post_logout_redirect_uris: ['https://grafana.example/login'],
      end_grants_with_session: false,
    });
  });

  it('changes only the settings an update names', async () => {
    const { client } = await registerClient(input({ ...webApp, default_max_age: 600 }), null, randomIds, context);
    const updated = updateClient(updateClientSchema.parse({ require_auth_time: true }), client, context);
    expect(updated.client.openid).toEqual({ ...client.openid, requireAuthTime: true });
  });

  it('refuses a post-logout redirect URI that could not be a redirect URI', () => {
    expect(() => input({ ...webApp, post_logout_redirect_uris: ['http://grafana.example/login'] })).toThrow();
    expect(() => updateClientSchema.parse({ post_logout_redirect_uris: ['javascript:alert(1)'] })).toThrow();
  });
});
