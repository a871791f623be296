import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { generateP256Key, oauthFixture, TEST_ISSUER, type OAuthFixture } from '@grantline/lib-testing';
import { OAuthError } from '../errors';
import type { OAuthRequest } from '../http-types';
import { dpopHeaderOf, verifyDpopProof, type ProofExpectation } from './dpop-proof';

/**
 * RFC 9449 §4.3, one check at a time: each refused proof differs from an accepted one in one
 * member, and the refusal names the check that caught it.
 */
const TOKEN_URL = `${TEST_ISSUER}/oauth/token`;
const RESOURCE_URL = `${TEST_ISSUER}/api/user`;
const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.an-access-token.signature';
const WINDOW = 60;
const NONCE_PERIOD = 300;

const AT_TOKEN: ProofExpectation = { site: 'token', path: '/oauth/token', nonceRequired: false };
const AT_RESOURCE: ProofExpectation = {
  site: 'resource',
  path: '/api/user',
  accessToken: ACCESS_TOKEN,
  nonceRequired: false,
};
const WITH_NONCE: ProofExpectation = { ...AT_TOKEN, nonceRequired: true };
const ANOTHER_URL = 'The DPoP proof is for another URL';
const TIME = 'The DPoP proof is too old or from the future';
const USED = 'The DPoP proof was already used';

interface ProofKey {
  alg: string;
  privateKey: KeyObject;
  jwk: JWK;
}

type Claims = Record<string, unknown>;

/** base64url SHA-256, computed here rather than with the server's helper. */
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function keyFor(alg: string, options: { modulusLength?: number; crv?: string } = {}): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { alg, privateKey: privateKey as KeyObject, jwk: await exportJWK(publicKey) };
}

/** A P-256 key whose coordinate starts with a zero byte (one key in 256; 20,000 tries fail by chance < 1e-30). */
function keyWithLeadingZero(coordinate: 'x' | 'y'): ProofKey {
  for (let tries = 0; tries < 20_000; tries += 1) {
    const { privateKey, publicJwk } = generateP256Key();
    const jwk = publicJwk as unknown as JWK;
    if (Buffer.from(String(jwk[coordinate]), 'base64url')[0] === 0) return { alg: 'ES256', privateKey, jwk };
  }
  throw new Error(`no P-256 key with a leading zero in ${coordinate}`);
}

/** The coordinate re-encoded without its leading zero byte (31 bytes), as big.Int.Bytes() would. */
function stripLeadingZero(jwk: JWK, coordinate: 'x' | 'y'): JWK {
  const bytes = Buffer.from(String(jwk[coordinate]), 'base64url');
  expect(bytes).toHaveLength(32);
  return { ...jwk, [coordinate]: bytes.subarray(1).toString('base64url') };
}

describe('DPoP proofs (RFC 9449 §4.3)', () => {
  let fixture: OAuthFixture;
  let es256: ProofKey;
  let other: ProofKey;
  let eddsa: ProofKey;
  let rs256: ProofKey;
  let ps256: ProofKey;
  let es384: ProofKey;
  let shortX: ProofKey;
  let shortY: ProofKey;
  let rsa1024: { privateKey: KeyObject; jwk: JWK };

  const now = () => Math.floor(fixture.clock.now().getTime() / 1000);
  const request = (method = 'POST'): OAuthRequest => ({
    method,
    headers: {},
    body: '',
    remoteAddress: '127.0.0.1',
    requestId: 'dpop-proof-test',
  });

  /** A proof for POST /oauth/token by `key`; `claims` and `header` replace (undefined drops) members. */
  function proofBy(key: ProofKey, claims: Claims = {}, header: Claims = {}): Promise<string> {
    const payload = { jti: randomBytes(12).toString('base64url'), htm: 'POST', htu: TOKEN_URL, iat: now(), ...claims };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...header } as { alg: string })
      .sign(key.privateKey);
  }
  const proof = (claims: Claims = {}, header: Claims = {}) => proofBy(es256, claims, header);
  const resourceProof = (claims: Claims = {}) =>
    proof({ htm: 'GET', htu: RESOURCE_URL, ath: sha256(ACCESS_TOKEN), ...claims });

  /** A compact JWS with the signature `signer` makes over the signing input. */
  function rawProof(header: Claims, claims: Claims, signer: (input: Buffer) => Buffer): string {
    const payload = { jti: randomBytes(12).toString('base64url'), htm: 'POST', htu: TOKEN_URL, iat: now(), ...claims };
    const input = `${encode({ typ: 'dpop+jwt', ...header })}.${encode(payload)}`;
    return `${input}.${signer(Buffer.from(input)).toString('base64url')}`;
  }

  const verify = (
    value: string,
    expected: ProofExpectation = AT_TOKEN,
    method = expected.site === 'token' ? 'POST' : 'GET',
  ) => verifyDpopProof(fixture.context, request(method), value, expected);

  async function refusalOf(value: string, expected: ProofExpectation = AT_TOKEN): Promise<OAuthError> {
    try {
      await verify(value, expected);
    } catch (error) {
      if (error instanceof OAuthError) return error;
      throw error;
    }
    throw new Error('the proof was accepted');
  }

  const jktOf = (key: { jwk: JWK }) => calculateJwkThumbprint(key.jwk, 'sha256');

  beforeAll(async () => {
    [es256, other, eddsa, rs256, ps256, es384] = await Promise.all([
      keyFor('ES256'),
      keyFor('ES256'),
      keyFor('EdDSA', { crv: 'Ed25519' }),
      keyFor('RS256', { modulusLength: 2048 }),
      keyFor('PS256', { modulusLength: 2048 }),
      keyFor('ES384'),
    ]);
    shortX = keyWithLeadingZero('x');
    shortY = keyWithLeadingZero('y');
    // jose will not make RSA keys under 2048 bits; node:crypto will.
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    rsa1024 = { privateKey: small.privateKey, jwk: small.publicKey.export({ format: 'jwk' }) as JWK };
  });

  beforeEach(async () => {
    fixture = await oauthFixture({
      dpop: { proofWindowSeconds: WINDOW, nonceRequired: false, noncePeriodSeconds: NONCE_PERIOD },
    });
  });

  describe('the DPoP header', () => {
    it('is absent when the request has none, and read as it is when there is one', () => {
      expect(dpopHeaderOf(fixture.context, { ...request(), headers: {} }, 'token')).toBeUndefined();
      expect(dpopHeaderOf(fixture.context, { ...request(), headers: { dpop: 'a.b.c' } }, 'token')).toBe('a.b.c');
    });

    it.each([
      ['two headers kept apart', ['a.b.c', 'd.e.f'], 'token', 400],
      ['two headers joined by node', 'a.b.c, d.e.f', 'token', 400],
      ['two headers at a resource', 'a.b.c, d.e.f', 'resource', 401],
    ] as const)('refuses %s', (_name, value, site, status) => {
      let thrown: unknown;
      try {
        dpopHeaderOf(fixture.context, { ...request(), headers: { dpop: value as string | string[] } }, site);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(OAuthError);
      expect(thrown).toMatchObject({
        error: 'invalid_dpop_proof',
        status,
        error_description: 'Send exactly one DPoP header',
      });
    });
  });

  describe('refusals at the token endpoint', () => {
    const SIGNATURE = 'The DPoP proof signature does not verify';
    const JWK_DESCRIPTION = 'The DPoP proof must carry a well-formed public jwk';
    const ALG = 'The DPoP proof must be signed with one of ES256, EdDSA, RS256, PS256';
    const JTI = 'The DPoP proof needs a jti';

    type Refusal = [name: string, build: () => Promise<string> | string, description: string, detail?: string];
    it.each<Refusal>([
      ['a proof over 4 KB', () => proof({ padding: 'x'.repeat(4_100) }), 'The DPoP proof is too large'],
      ['a value that is not a JWT', () => 'not-a-jwt', 'The DPoP proof is not a JWT'],
      [
        'a JWT whose header is not JSON',
        () => `${Buffer.from('{{').toString('base64url')}.e30.sig`,
        'The DPoP proof is not a JWT',
      ],
      ['typ JWT', () => proof({}, { typ: 'JWT' }), 'The DPoP proof must have typ dpop+jwt'],
      ['no typ', () => proof({}, { typ: undefined }), 'The DPoP proof must have typ dpop+jwt'],
      ['alg none', () => rawProof({ alg: 'none', jwk: es256.jwk }, {}, () => Buffer.alloc(0)), ALG],
      [
        'alg HS256',
        () =>
          new SignJWT({ jti: 'j', htm: 'POST', htu: TOKEN_URL, iat: now() })
            .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: es256.jwk } as { alg: string })
            .sign(randomBytes(32)),
        ALG,
      ],
      ['alg ES384 (not offered)', () => proofBy(es384), ALG],
      ['no jwk', () => proof({}, { jwk: undefined }), JWK_DESCRIPTION, 'no jwk'],
      [
        'a jwk with its private d',
        async () => proof({}, { jwk: await exportJWK(es256.privateKey) }),
        JWK_DESCRIPTION,
        'jwk has private members',
      ],
      [
        'an EC x of 31 bytes (leading zero dropped)',
        () => proofBy(shortX, {}, { jwk: stripLeadingZero(shortX.jwk, 'x') }),
        JWK_DESCRIPTION,
        'EC coordinates of the wrong length',
      ],
      [
        'an EC y of 31 bytes (leading zero dropped)',
        () => proofBy(shortY, {}, { jwk: stripLeadingZero(shortY.jwk, 'y') }),
        JWK_DESCRIPTION,
        'EC coordinates of the wrong length',
      ],
      [
        'an RSA key of 1024 bits',
        () => rawProof({ alg: 'RS256', jwk: rsa1024.jwk }, {}, (input) => sign('sha256', input, rsa1024.privateKey)),
        JWK_DESCRIPTION,
        'RSA key shorter than 2048 bits',
      ],
      [
        'an X25519 key',
        () => proof({}, { jwk: { kty: 'OKP', crv: 'X25519', x: es256.jwk.x } }),
        JWK_DESCRIPTION,
        'unsupported OKP key',
      ],
      [
        'a symmetric jwk',
        () => proof({}, { jwk: { kty: 'oct', k: 'c2VjcmV0' } }),
        JWK_DESCRIPTION,
        'jwk has private members',
      ],
      ['a broken signature', async () => corruptSignature(await proof()), SIGNATURE],
      ['a signature by another key than the jwk', () => proofBy(other, {}, { jwk: es256.jwk }), SIGNATURE],
      [
        'an Ed25519 signature over an ES256 header and key',
        () => rawProof({ alg: 'ES256', jwk: es256.jwk }, {}, (input) => sign(null, input, eddsa.privateKey)),
        SIGNATURE,
      ],
      [
        'an ES256 header with an Ed25519 key',
        () => rawProof({ alg: 'ES256', jwk: eddsa.jwk }, {}, (input) => sign(null, input, eddsa.privateKey)),
        SIGNATURE,
      ],
      ['no jti', () => proof({ jti: undefined }), JTI],
      ['an empty jti', () => proof({ jti: '' }), JTI],
      ['a jti of 257 characters', () => proof({ jti: 'j'.repeat(257) }), JTI],
      ['a numeric jti', () => proof({ jti: 42 }), JTI],
      ['htm GET', () => proof({ htm: 'GET' }), 'The DPoP proof is for another HTTP method'],
      [
        'htm post (methods are case-sensitive)',
        () => proof({ htm: 'post' }),
        'The DPoP proof is for another HTTP method',
      ],
      ['no htm', () => proof({ htm: undefined }), 'The DPoP proof is for another HTTP method'],
      ['htu with a query string', () => proof({ htu: `${TOKEN_URL}?grant_type=x` }), ANOTHER_URL],
      ['htu with an empty query', () => proof({ htu: `${TOKEN_URL}?` }), ANOTHER_URL],
      ['htu with a fragment', () => proof({ htu: `${TOKEN_URL}#top` }), ANOTHER_URL],
      ['htu with an empty fragment', () => proof({ htu: `${TOKEN_URL}#` }), ANOTHER_URL],
      ['htu on another host', () => proof({ htu: 'https://attacker.test/oauth/token' }), ANOTHER_URL],
      ['htu on a subdomain', () => proof({ htu: 'https://api.issuer.test/oauth/token' }), ANOTHER_URL],
      ['htu with http for https', () => proof({ htu: 'http://issuer.test/oauth/token' }), ANOTHER_URL],
      ['htu on another port', () => proof({ htu: 'https://issuer.test:8443/oauth/token' }), ANOTHER_URL],
      ['htu with another path', () => proof({ htu: `${TEST_ISSUER}/oauth/introspect` }), ANOTHER_URL],
      ['htu with the slash percent-encoded', () => proof({ htu: 'https://issuer.test/oauth%2Ftoken' }), ANOTHER_URL],
      ['htu with a trailing slash', () => proof({ htu: `${TOKEN_URL}/` }), ANOTHER_URL],
      ['htu with a user', () => proof({ htu: 'https://user@issuer.test/oauth/token' }), ANOTHER_URL],
      ['htu with a password', () => proof({ htu: 'https://:secret@issuer.test/oauth/token' }), ANOTHER_URL],
      ['htu that is a path only', () => proof({ htu: '/oauth/token' }), ANOTHER_URL],
      ['no htu', () => proof({ htu: undefined }), ANOTHER_URL],
      ['iat 61 s old (window 60 s)', () => proof({ iat: now() - WINDOW - 1 }), TIME],
      ['iat 6 s ahead (skew 5 s)', () => proof({ iat: now() + 6 }), TIME],
      ['iat an hour ahead', () => proof({ iat: now() + 3600 }), TIME],
      ['no iat', () => proof({ iat: undefined }), TIME],
      [
        'an ath at the token endpoint',
        () => proof({ ath: sha256(ACCESS_TOKEN) }),
        'The DPoP proof at the token endpoint carries no ath',
      ],
      // A rest parameter: jest would take a declared fourth parameter for `done` on rows without a detail.
    ])('refuses %s', async (...[, build, description, detail]: Refusal) => {
      const refusal = await refusalOf(await build());
      expect(refusal).toMatchObject({ error: 'invalid_dpop_proof', status: 400, error_description: description });
      if (detail !== undefined) expect(refusal.options.detail).toBe(detail);
      expect(refusal.options.wwwAuthenticate).toBeUndefined();
    });
  });

  describe('at a resource', () => {
    it('accepts a proof for GET on the resource URL with the token hash as ath', async () => {
      await expect(verify(await resourceProof(), AT_RESOURCE)).resolves.toEqual({ jkt: await jktOf(es256) });
    });

    const ATH = 'The DPoP proof does not match the access token (ath)';
    it.each<[string, Claims, string]>([
      ['no ath', { ath: undefined }, ATH],
      ['the ath of another token', { ath: sha256('another-token') }, ATH],
      ['the ath as hex', { ath: createHash('sha256').update(ACCESS_TOKEN).digest('hex') }, ATH],
      ['the ath padded', { ath: `${sha256(ACCESS_TOKEN)}=` }, ATH],
      ['htu of the token endpoint', { htu: TOKEN_URL }, 'The DPoP proof is for another URL'],
      ['htm POST', { htm: 'POST' }, 'The DPoP proof is for another HTTP method'],
    ])('refuses %s with 401 and a DPoP challenge', async (_name, claims, description) => {
      const refusal = await refusalOf(await resourceProof(claims), AT_RESOURCE);
      expect(refusal).toMatchObject({ error: 'invalid_dpop_proof', status: 401, error_description: description });
      expect(refusal.options.wwwAuthenticate).toBe(
        `DPoP error="invalid_dpop_proof", error_description="${description}", algs="ES256 EdDSA RS256 PS256"`,
      );
    });
  });

  describe('accepted proofs', () => {
    it.each([
      ['ES256', () => es256],
      ['EdDSA (Ed25519)', () => eddsa],
      ['RS256 (2048 bits)', () => rs256],
      ['PS256 (2048 bits)', () => ps256],
    ])('accepts %s and answers the RFC 7638 thumbprint of its key', async (_name, key) => {
      await expect(verify(await proofBy(key()))).resolves.toEqual({ jkt: await jktOf(key()) });
    });

    it('answers the thumbprint over crv, kty, x and y in that order (RFC 7638 §3.2)', async () => {
      const { crv, kty, x, y } = es256.jwk;
      const expected = sha256(JSON.stringify({ crv, kty, x, y }));
      // Extra members (alg, use, kid) are not part of the thumbprint.
      const decorated = { ...es256.jwk, alg: 'ES256', use: 'sig', kid: 'k1' };
      await expect(verify(await proof({}, { jwk: decorated }))).resolves.toEqual({ jkt: expected });
    });

    it('accepts an EC key whose coordinate starts with a zero byte when it is sent at full length', async () => {
      await expect(verify(await proofBy(shortX))).resolves.toEqual({ jkt: await jktOf(shortX) });
    });

    it.each([
      ['the host in capitals', 'https://ISSUER.TEST/oauth/token'],
      ['the scheme in capitals', 'HTTPS://issuer.test/oauth/token'],
      ['the default port :443 written out', 'https://issuer.test:443/oauth/token'],
      ['a dot segment', 'https://issuer.test/oauth/./token'],
      ['a parent segment', 'https://issuer.test/x/../oauth/token'],
      ['an unreserved character percent-encoded', 'https://issuer.test/oauth/%74oken'],
    ])('normalises htu: accepts %s', async (_name, htu) => {
      await expect(verify(await proof({ htu }))).resolves.toEqual({ jkt: await jktOf(es256) });
    });

    it('normalises htu on an http issuer: accepts the default port :80 written out', async () => {
      fixture = await oauthFixture({ issuer: 'http://issuer.test' });
      await expect(verify(await proof({ htu: 'http://issuer.test:80/oauth/token' }))).resolves.toEqual({
        jkt: await jktOf(es256),
      });
      const refusal = await refusalOf(await proof({ htu: 'https://issuer.test/oauth/token' }));
      expect(refusal.error_description).toBe('The DPoP proof is for another URL');
    });

    it('checks htu against the configured issuer, with the issuer’s path prefix', async () => {
      fixture = await oauthFixture({ issuer: 'https://login.example.test/tenant' });
      await expect(verify(await proof({ htu: 'https://login.example.test/tenant/oauth/token' }))).resolves.toEqual({
        jkt: await jktOf(es256),
      });
      const refusal = await refusalOf(await proof({ htu: 'https://login.example.test/oauth/token' }));
      expect(refusal.error_description).toBe('The DPoP proof is for another URL');
    });

    it('compares percent-encodings of reserved and non-ASCII characters case-insensitively', async () => {
      fixture = await oauthFixture({ issuer: 'https://login.example.test/t%C3%A9nant' });
      await expect(verify(await proof({ htu: 'https://login.example.test/t%c3%a9nant/oauth/token' }))).resolves.toEqual(
        { jkt: await jktOf(es256) },
      );
      await expect(
        verify(await proof({ htu: 'https://login.example.test/ténant/oauth/token' })),
      ).resolves.toBeDefined();
      const refusal = await refusalOf(await proof({ htu: 'https://login.example.test/t%C3%A8nant/oauth/token' }));
      expect(refusal.error_description).toBe(ANOTHER_URL);
    });

    it('accepts iat at both edges of the window', async () => {
      await expect(verify(await proof({ iat: now() - WINDOW }))).resolves.toBeDefined();
      await expect(verify(await proof({ iat: now() + 5 }))).resolves.toBeDefined();
    });

    it('follows the configured window', async () => {
      fixture = await oauthFixture({
        dpop: { proofWindowSeconds: 10, nonceRequired: false, noncePeriodSeconds: NONCE_PERIOD },
      });
      await expect(verify(await proof({ iat: now() - 10 }))).resolves.toBeDefined();
      const refusal = await refusalOf(await proof({ iat: now() - 11 }));
      expect(refusal.error_description).toBe(TIME);
    });
  });

  describe('server nonces', () => {
    const currentNonce = () => fixture.context.dpopNonces.current(now());

    it('accepts the current nonce when one is required', async () => {
      await expect(verify(await proof({ nonce: currentNonce() }), WITH_NONCE)).resolves.toEqual({
        jkt: await jktOf(es256),
      });
    });

    it('accepts the previous period’s nonce', async () => {
      const nonce = currentNonce();
      fixture.clock.advance(NONCE_PERIOD);
      expect(currentNonce()).not.toBe(nonce);
      await expect(verify(await proof({ nonce }), WITH_NONCE)).resolves.toBeDefined();
    });

    it.each<[string, () => unknown]>([
      ['no nonce', () => undefined],
      ['a nonce two periods old', () => fixture.context.dpopNonces.current(now() - 2 * NONCE_PERIOD)],
      ['a garbage nonce', () => 'not-a-nonce'],
      ['an empty nonce', () => ''],
    ])('answers use_dpop_nonce with the current nonce to %s', async (_name, nonce) => {
      const refusal = await refusalOf(await proof({ nonce: nonce() }), WITH_NONCE);
      expect(refusal).toMatchObject({ error: 'use_dpop_nonce', status: 400 });
      expect(refusal.options.headers).toEqual({ 'DPoP-Nonce': currentNonce(), 'Cache-Control': 'no-store' });
    });

    it('refuses a nonce that is not a string as a malformed proof, whether or not one is required (RFC 9449 §4.2)', async () => {
      for (const expected of [WITH_NONCE, AT_TOKEN]) {
        const refusal = await refusalOf(await proof({ nonce: 12345 }), expected);
        expect(refusal).toMatchObject({ error: 'invalid_dpop_proof', status: 400 });
        expect(refusal.options.headers).toBeUndefined();
      }
    });

    it('answers use_dpop_nonce at a resource with 401 and a DPoP challenge', async () => {
      const refusal = await refusalOf(await resourceProof(), { ...AT_RESOURCE, nonceRequired: true });
      expect(refusal).toMatchObject({ error: 'use_dpop_nonce', status: 401 });
      expect(refusal.options.headers?.['DPoP-Nonce']).toBe(currentNonce());
      expect(refusal.options.wwwAuthenticate).toMatch(/^DPoP error="use_dpop_nonce"/);
    });

    it('does not look at a nonce when none is required', async () => {
      await expect(verify(await proof({ nonce: 'anything' }))).resolves.toBeDefined();
    });
  });

  describe('replay', () => {
    it('refuses a proof presented a second time', async () => {
      const value = await proof();
      await expect(verify(value)).resolves.toBeDefined();
      const refusal = await refusalOf(value);
      expect(refusal).toMatchObject({ error: 'invalid_dpop_proof', error_description: USED });
    });

    it('refuses a second proof with the same jti by the same key', async () => {
      await verify(await proof({ jti: 'same' }));
      const refusal = await refusalOf(await proof({ jti: 'same', iat: now() - 1 }));
      expect(refusal.error_description).toBe(USED);
    });

    it('keeps the jti of each key apart', async () => {
      await verify(await proof({ jti: 'shared' }));
      await expect(verify(await proofBy(other, { jti: 'shared' }))).resolves.toEqual({ jkt: await jktOf(other) });
    });

    it.each([
      ['now', 0],
      ['5 s ahead (the most skew allowed)', 5],
      ['at the start of the window', -WINDOW],
      ['with a fraction of a second', 4.75],
    ])('remembers the jti of a proof with iat %s through the last second it is acceptable', async (_name, offset) => {
      const value = await proof({ iat: now() + offset });
      await verify(value);
      // The last second at which the proof's iat is still inside the window.
      fixture.clock.advance(offset + WINDOW);
      expect((await refusalOf(value)).error_description).toBe(USED);
      fixture.clock.advance(1);
      expect((await refusalOf(value)).error_description).toBe(TIME);
    });

    it('refuses a replay at a resource as well', async () => {
      const value = await resourceProof();
      await verify(value, AT_RESOURCE);
      const refusal = await refusalOf(value, AT_RESOURCE);
      expect(refusal).toMatchObject({ status: 401, error_description: USED });
    });

    it.each<[string, Claims, ProofExpectation]>([
      ['another method', { htm: 'GET' }, AT_TOKEN],
      ['another URL', { htu: `${TOKEN_URL}?x=1` }, AT_TOKEN],
      ['a stale iat', { iat: 0 }, AT_TOKEN],
      ['no nonce', {}, WITH_NONCE],
    ])('does not use up the jti of a proof refused for %s', async (_name, wrong, expected) => {
      const jti = randomBytes(8).toString('base64url');
      await refusalOf(await proof({ jti, ...wrong }), expected);
      const nonce = expected.nonceRequired ? { nonce: fixture.context.dpopNonces.current(now()) } : {};
      await expect(verify(await proof({ jti, ...nonce }), expected)).resolves.toBeDefined();
      expect((await refusalOf(await proof({ jti, ...nonce }), expected)).error_description).toBe(USED);
    });

    it('does not use up the jti of a proof whose signature is broken', async () => {
      const value = await proof({ jti: 'broken-first' });
      await refusalOf(corruptSignature(value));
      await expect(verify(value)).resolves.toBeDefined();
    });
  });
});

/** Changes one character in the middle of the signature (the last one may only carry padding bits). */
function corruptSignature(jws: string): string {
  const [header, payload, signature = ''] = jws.split('.');
  const middle = Math.floor(signature.length / 2);
  const replaced = signature[middle] === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, middle)}${replaced}${signature.slice(middle + 1)}`;
}
