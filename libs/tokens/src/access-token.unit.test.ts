import { sign, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { audiencesOf, signAccessToken, verifyAccessToken, type AccessTokenClaims } from './access-token';
import { generateSigningJwk, keyRingFromJwks, publicJwks, type KeyRing } from './signing-keys';

const claims: AccessTokenClaims = {
  iss: 'https://issuer.test',
  sub: 'svc',
  aud: 'https://api.test',
  client_id: 'svc',
  scope: 'read',
  jti: 'token-1',
  iat: 1_800_000_000,
  exp: 1_800_003_600,
};

describe('JWT access tokens (RFC 9068)', () => {
  it('signs ES256 with typ at+jwt and the kid of the active key', async () => {
    const ring = await keyRingFromJwks([await generateSigningJwk('k1')]);
    const token = await signAccessToken(ring, claims);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(await verifyAccessToken(ring, claims.iss, token)).toEqual(claims);
  });

  it('carries several audiences as a list, and one as a string (RFC 7519 §4.1.3)', async () => {
    const ring = await keyRingFromJwks([await generateSigningJwk('k1')]);
    const several = { ...claims, aud: ['https://a.test', 'https://b.test'] };
    const verified = await verifyAccessToken(ring, claims.iss, await signAccessToken(ring, several));
    expect(verified?.aud).toEqual(several.aud);
    expect(audiencesOf(several)).toEqual(several.aud);
    expect(audiencesOf(claims)).toEqual(['https://api.test']);
  });

  it('keeps verifying tokens of a retired signing key while it is still published', async () => {
    const oldKey = await generateSigningJwk('old');
    const before = await keyRingFromJwks([oldKey]);
    const token = await signAccessToken(before, claims);
    const after = await keyRingFromJwks([await generateSigningJwk('new'), oldKey]);
    expect(after.active.kid).toBe('new');
    expect(await verifyAccessToken(after, claims.iss, token)).toEqual(claims);
    expect(publicJwks(after).keys.map((key) => key.kid)).toEqual(['new', 'old']);
    expect(publicJwks(after).keys.every((key) => !('d' in key))).toBe(true);
  });

  it('refuses tokens from unknown keys, other issuers, or of another type', async () => {
    const ring = await keyRingFromJwks([await generateSigningJwk('k1')]);
    const stranger = await keyRingFromJwks([await generateSigningJwk('k1')]);
    expect(await verifyAccessToken(ring, claims.iss, await signAccessToken(stranger, claims))).toBeNull();
    expect(await verifyAccessToken(ring, 'https://other.test', await signAccessToken(ring, claims))).toBeNull();
    const idTokenLike = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: 'k1' })
      .sign(ring.active.privateKey);
    expect(await verifyAccessToken(ring, claims.iss, idTokenLike)).toBeNull();
    expect(await verifyAccessToken(ring, claims.iss, 'not.a.jwt')).toBeNull();
  });

  it('refuses key rings with duplicate kids', async () => {
    const key = await generateSigningJwk('same');
    await expect(keyRingFromJwks([key, key])).rejects.toThrow(/distinct kids/);
  });
});

/**
 * RFC 9068 §2.2 and §4: a token signed with our key but holding a header member or claim of the
 * wrong JSON type is not one of ours: verification answers null (inactive, invalid_token), never
 * an exception.
 */
const full: AccessTokenClaims = { ...claims, gid: 'grant-1', cnf: { jkt: 'thumbprint' } };
type Json = string | number | boolean | null | Json[] | { [member: string]: Json };
const VALUES: Record<string, Json> = {
  string: 'x',
  number: 42,
  true: true,
  false: false,
  null: null,
  array: ['x'],
  object: { x: 'x' },
  'nested object': { a: { b: ['x', 1, null] } },
};
const except = (...types: string[]) => Object.entries(VALUES).filter(([type]) => !types.includes(type));
const cases = (members: string[], ...keep: string[]) =>
  members.flatMap((member) => except(...keep).map(([, value]): [string, Json] => [member, value]));

const CLAIM_CASES = [
  ...cases(['iss', 'sub', 'client_id', 'scope', 'jti', 'gid'], 'string'),
  // RFC 9068 §3 with RFC 8707: one audience, or a list of resources.
  ...cases(['aud'], 'string', 'array'),
  ['aud', []] as [string, Json],
  ['aud', [1]] as [string, Json],
  ...cases(['iat', 'exp'], 'number'),
  ...cases(['pat'], 'true'),
  ...cases(['cnf'], 'object'),
];
const CNF_CASES = except('string').map(([, value]) => value);
const HEADER_CASES = [...cases(['kid'], 'string'), ...cases(['typ', 'alg'])];

describe('JWT access tokens with members of the wrong JSON type', () => {
  let ring: KeyRing;

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** A token written by hand and signed with our active key: only the odd member is wrong. */
  function tokenWith(header: Record<string, unknown>, payload: unknown): string {
    const input = `${encode({ alg: 'ES256', typ: 'at+jwt', kid: 'k1', ...header })}.${encode(payload)}`;
    const signature = sign('sha256', Buffer.from(input), {
      key: ring.active.privateKey as KeyObject,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }

  beforeAll(async () => {
    ring = await keyRingFromJwks([await generateSigningJwk('k1')]);
  });

  it('accepts the well-typed token the cases below start from', async () => {
    await expect(verifyAccessToken(ring, claims.iss, tokenWith({}, full))).resolves.toEqual(full);
  });

  it('accepts a token for several resources (RFC 8707 §2)', async () => {
    const several = { ...full, aud: ['https://a.test/', 'urn:example:b'] };
    await expect(verifyAccessToken(ring, claims.iss, tokenWith({}, several))).resolves.toEqual(several);
  });

  it.each(CLAIM_CASES)('answers null to claim %s = %j', async (member, value) => {
    await expect(verifyAccessToken(ring, claims.iss, tokenWith({}, { ...full, [member]: value }))).resolves.toBeNull();
  });

  it.each(CNF_CASES)('answers null to cnf.jkt = %j', async (jkt) => {
    await expect(verifyAccessToken(ring, claims.iss, tokenWith({}, { ...full, cnf: { jkt } }))).resolves.toBeNull();
  });

  it.each(HEADER_CASES)('answers null to header %s = %j', async (member, value) => {
    await expect(verifyAccessToken(ring, claims.iss, tokenWith({ [member]: value }, full))).resolves.toBeNull();
  });

  it.each<[string, unknown]>([
    ['a JSON string', 'x'],
    ['a JSON array', [full]],
    ['JSON null', null],
    ['a number', 42],
  ])('answers null to a payload that is %s', async (_name, payload) => {
    await expect(verifyAccessToken(ring, claims.iss, tokenWith({}, payload))).resolves.toBeNull();
  });
});

describe('signing keys by algorithm', () => {
  it('signs each algorithm with the first key of it, and lists every algorithm held once', async () => {
    const ring = await keyRingFromJwks([
      await generateSigningJwk('ec-new'),
      await generateSigningJwk('rsa-new', 'RS256'),
      await generateSigningJwk('ec-old'),
      await generateSigningJwk('rsa-old', 'RS256'),
    ]);
    expect(ring.active.kid).toBe('ec-new');
    expect(ring.signerFor('RS256')?.kid).toBe('rsa-new');
    expect(ring.signerFor('ES256')?.kid).toBe('ec-new');
    expect(ring.signerFor('PS256')).toBeUndefined();
    expect(ring.algorithms()).toEqual(['ES256', 'RS256']);
  });

  it('reads an RSA key without `alg` as RS256', async () => {
    const { alg: _alg, ...jwk } = await generateSigningJwk('rsa', 'RS256');
    const ring = await keyRingFromJwks([jwk]);
    expect(ring.active.alg).toBe('RS256');
  });
});
