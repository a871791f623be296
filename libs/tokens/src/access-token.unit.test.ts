import { decodeProtectedHeader, SignJWT } from 'jose';
import { signAccessToken, verifyAccessToken, type AccessTokenClaims } from './access-token';
import { generateSigningJwk, keyRingFromJwks, publicJwks } from './signing-keys';

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
