import { clientSnapshotSchema } from '@grantline/lib-events';
import { clientKeyPair } from '@grantline/lib-testing';
import { randomIds } from '../clock';
import { OAuthError } from '../errors';
import { clientAuthMethodOf } from './client-auth-method';
import { publicView, registerClient, rotateClientSecret, updateClient } from './client-commands';
import { registerClientSchema, updateClientSchema } from './client-input';

const context = { now: () => new Date('2026-01-01T00:00:00Z') };
const jwks = clientKeyPair('k1').jwks;
const JWKS_URI = 'https://keys.client.test/jwks.json';
const input = (overrides: Record<string, unknown> = {}) =>
  registerClientSchema.parse({ name: 'svc', token_endpoint_auth_method: 'private_key_jwt', ...overrides });

describe('registering private_key_jwt clients (RFC 7591 §2)', () => {
  it.each([
    ['jwks', { jwks }, { jwks, jwksUri: null }],
    ['jwks_uri', { jwks_uri: JWKS_URI }, { jwks: null, jwksUri: JWKS_URI }],
  ])('registers a client with %s and no secret', async (_name, keys, expected) => {
    const decision = await registerClient(input(keys), null, randomIds, context);
    expect(decision.secret).toBeUndefined();
    expect(decision.client).toMatchObject({ secretHash: null, ...expected });
    expect(clientAuthMethodOf(decision.client)).toBe('private_key_jwt');
    expect(clientSnapshotSchema.safeParse(decision.client).success).toBe(true);
    expect(publicView(decision.client)).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt' });
  });

  it.each([
    ['keys without the method', { token_endpoint_auth_method: undefined, jwks }],
    ['the method without keys', {}],
    ['both jwks and jwks_uri', { jwks, jwks_uri: JWKS_URI }],
    ['an http jwks_uri', { jwks_uri: 'http://keys.client.test/jwks.json' }],
    ['keys and a secret', { jwks, client_secret: 'abcdefghij' }],
    ['a public client with keys', { jwks, public: true, grant_types: ['authorization_code'] }],
    ['a private key in the set', { jwks: { keys: [{ ...jwks.keys[0], d: 'secret' }] } }],
    ['a symmetric key', { jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }],
    ['method none for a confidential client', { token_endpoint_auth_method: 'none' }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => input(overrides)).toThrow();
  });

  it('replaces the keys on update (rotation), and moves a secret client to its keys', async () => {
    const withKeys = await registerClient(input({ jwks }), null, randomIds, context);
    const rotated = updateClient(updateClientSchema.parse({ jwks_uri: JWKS_URI }), withKeys.client, context);
    expect(rotated.client).toMatchObject({ jwks: null, jwksUri: JWKS_URI, secretHash: null });

    const withSecret = await registerClient(registerClientSchema.parse({ name: 'svc' }), null, randomIds, context);
    const moved = updateClient(updateClientSchema.parse({ jwks }), withSecret.client, context);
    expect(moved.client).toMatchObject({ jwks, secretHash: null });
    expect(clientSnapshotSchema.safeParse(moved.client).success).toBe(true);
  });

  it('refuses to rotate a secret the client does not have', async () => {
    const withKeys = await registerClient(input({ jwks }), null, randomIds, context);
    await expect(rotateClientSecret(undefined, withKeys.client, randomIds, context)).rejects.toBeInstanceOf(OAuthError);
  });
});
