import { randomIds } from '../clock';
import { verifySecret } from '../client-secret';
import { registerClientSchema, updateClientSchema } from './client-input';
import { OAuthError } from '../errors';
import { deleteClient, registerClient, rotateClientSecret, updateClient } from './client-commands';

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
