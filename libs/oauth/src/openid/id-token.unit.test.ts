import { createHash } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { plainOpenIdClient, type OpenIdClient } from '@grantline/lib-events';
import type { UserRecord } from '@grantline/lib-projections';
import { clientSnapshot, TEST_ISSUER } from '@grantline/lib-testing';
import { generateSigningJwk, keyRingFromJwks, type KeyRing } from '@grantline/lib-tokens';
import { OAuthError } from '../errors';
import type { OAuthSettings } from '../oauth-context';
import { idTokenKeyWarning, idTokenSigner, mintIdToken, tokenHash, type IdTokenGrant } from './id-token';
import { openIdSubject } from './subject';

const SALT = 'pairwise-salt-for-id-tokens-0123456789';
const settings = { issuer: TEST_ISSUER, openid: { idTokenTtlSeconds: 600, pairwiseSalt: SALT } } as OAuthSettings;
const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const NOW = Math.floor(clock.now().getTime() / 1000);

const user: UserRecord = {
  userId: '01HZX0000000000000000000A1',
  email: 'ada@example.test',
  name: 'Ada Lovelace',
  passwordHash: 'hash',
  disabled: false,
  createdAt: '2025-06-01T00:00:00.000Z',
  updatedAt: '2025-07-01T12:00:00.000Z',
  profile: {
    givenName: 'Ada',
    familyName: 'Lovelace',
    middleName: null,
    nickname: 'Ada',
    preferredUsername: 'ada',
    emailVerified: true,
    locale: 'en-GB',
    zoneinfo: null,
    picture: null,
    website: 'https://ada.example.test/',
    profileUrl: 'https://ada.example.test/about',
    gender: 'female',
    birthdate: '0000-12-10',
  },
};

function client(openid: Partial<OpenIdClient> = {}) {
  return clientSnapshot({
    clientId: 'rp',
    redirectUris: ['https://rp.example.test/cb'],
    openid: { ...plainOpenIdClient(), ...openid },
  });
}

function grant(overrides: Partial<IdTokenGrant> = {}): IdTokenGrant {
  return {
    client: client(),
    user,
    scopes: ['openid'],
    authTime: NOW - 30,
    oidc: {},
    accessToken: 'the-access-token',
    ...overrides,
  };
}

let ring: KeyRing;
let ecOnly: KeyRing;

beforeAll(async () => {
  // As in a key folder: the first key (ES256) signs access tokens, the RS256 one sorts after it.
  ring = await keyRingFromJwks([await generateSigningJwk('ec-1'), await generateSigningJwk('rsa-1', 'RS256')]);
  ecOnly = await keyRingFromJwks([await generateSigningJwk('ec-only')]);
});

async function mint(keys: KeyRing, minted: IdTokenGrant) {
  const token = await mintIdToken({ settings, keys, clock }, minted);
  const header = decodeProtectedHeader(token);
  const key = keys.byKid(header.kid ?? '');
  if (!key) throw new Error('unknown kid');
  const { payload } = await jwtVerify(token, key.publicKey, {
    issuer: TEST_ISSUER,
    audience: 'rp',
    currentDate: new Date(NOW * 1000),
  });
  return { header, payload };
}

describe('ID tokens (OpenID Connect Core §2, §3.1.3.6)', () => {
  it('signs with RS256 by default, typ JWT and the kid, and carries the grant’s facts', async () => {
    const { header, payload } = await mint(
      ring,
      grant({ oidc: { nonce: 'n-0S6_WzA2Mj', sid: 'session-id-0123456789', amr: ['pwd'], acr: 'urn:grantline:pwd' } }),
    );
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'rsa-1' });
    expect(payload).toEqual({
      iss: TEST_ISSUER,
      sub: user.userId,
      aud: 'rp',
      azp: 'rp',
      iat: NOW,
      exp: NOW + 600,
      auth_time: NOW - 30,
      nonce: 'n-0S6_WzA2Mj',
      sid: 'session-id-0123456789',
      amr: ['pwd'],
      acr: 'urn:grantline:pwd',
      at_hash: createHash('sha256').update('the-access-token').digest().subarray(0, 16).toString('base64url'),
    });
  });

  it('leaves out what the grant does not carry', async () => {
    const { payload } = await mint(ring, grant());
    expect(Object.keys(payload).sort()).toEqual(['at_hash', 'aud', 'auth_time', 'azp', 'exp', 'iat', 'iss', 'sub']);
  });

  it('signs with the algorithm a client registered', async () => {
    const { header, payload } = await mint(ring, grant({ client: client({ idTokenSignedResponseAlg: 'ES256' }) }));
    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'ec-1' });
    expect(payload.at_hash).toBe(tokenHash('the-access-token', 'ES256'));
  });

  it('tells a pairwise client its pairwise subject', async () => {
    const pairwise = client({ subjectType: 'pairwise' });
    const { payload } = await mint(ring, grant({ client: pairwise }));
    expect(payload.sub).toBe(openIdSubject(pairwise, user.userId, SALT));
    expect(payload.sub).not.toBe(user.userId);
  });

  it('adds the claims of the profile and email scopes, leaving out those without a value', async () => {
    const { payload } = await mint(ring, grant({ scopes: ['openid', 'profile', 'email'] }));
    expect(payload).toMatchObject({
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      preferred_username: 'ada',
      locale: 'en-GB',
      website: 'https://ada.example.test/',
      nickname: 'Ada',
      profile: 'https://ada.example.test/about',
      gender: 'female',
      birthdate: '0000-12-10',
      updated_at: Date.parse('2025-07-01T12:00:00.000Z') / 1000,
      email: 'ada@example.test',
      email_verified: true,
    });
    expect(payload).not.toHaveProperty('zoneinfo');
    expect(payload).not.toHaveProperty('picture');
    expect(payload).not.toHaveProperty('middle_name');
  });

  it('adds claims requested one by one for the ID token (Core §5.5), and only standard ones', async () => {
    const { payload } = await mint(
      ring,
      grant({ oidc: { claims: { id_token: { email: null, unknown_claim: null }, userinfo: { name: null } } } }),
    );
    expect(payload.email).toBe('ada@example.test');
    expect(payload).not.toHaveProperty('email_verified');
    expect(payload).not.toHaveProperty('name');
    expect(payload).not.toHaveProperty('unknown_claim');
  });

  it('takes updated_at from the creation when the person never changed', async () => {
    const { payload } = await mint(ring, grant({ user: { ...user, updatedAt: null }, scopes: ['openid', 'profile'] }));
    expect(payload.updated_at).toBe(Date.parse(user.createdAt) / 1000);
  });
});

describe('the ID token signer', () => {
  it('falls back to the access-token key for the default when the ring holds no RS256 key, and warns', async () => {
    expect(idTokenSigner(ecOnly, client()).kid).toBe('ec-only');
    const { header } = await mint(ecOnly, grant());
    expect(header.alg).toBe('ES256');
    expect(idTokenKeyWarning(ecOnly)).toMatch(/No RS256 signing key/);
    expect(idTokenKeyWarning(ring)).toBeNull();
  });

  it('answers server_error for a registered algorithm the ring does not hold', () => {
    let thrown: unknown;
    try {
      idTokenSigner(ecOnly, client({ idTokenSignedResponseAlg: 'RS256' }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OAuthError);
    expect(thrown).toMatchObject({ error: 'server_error', status: 500 });
  });
});

describe('at_hash (Core §3.1.3.6)', () => {
  it.each([
    ['RS256', 'sha256', 16],
    ['ES256', 'sha256', 16],
    ['ES384', 'sha384', 24],
    ['RS512', 'sha512', 32],
    ['EdDSA', 'sha512', 32],
  ])('hashes for %s with %s and keeps the left half', (alg, hash, bytes) => {
    const whole = createHash(hash).update('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y').digest();
    expect(tokenHash('jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y', alg)).toBe(
      whole.subarray(0, bytes).toString('base64url'),
    );
  });
});
