import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, CompactSign } from 'jose';
import { generateSigningJwk, keyRingFromJwks, publicJwks } from './signing-keys';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

async function signsAndVerifies(ring: Awaited<ReturnType<typeof keyRingFromJwks>>, alg: string) {
  const key = ring.signerFor(alg);
  if (!key) throw new Error(`no ${alg} key`);
  const jws = await new CompactSign(new TextEncoder().encode('payload'))
    .setProtectedHeader({ alg, kid: key.kid })
    .sign(key.privateKey);
  const verified = await compactVerify(jws, key.publicKey);
  expect(new TextDecoder().decode(verified.payload)).toBe('payload');
}

describe('signing keys as configured', () => {
  it.each([
    ['PKCS#1', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), '-----BEGIN RSA PRIVATE KEY-----'],
    ['PKCS#8', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), '-----BEGIN PRIVATE KEY-----'],
  ])('reads an RSA key given as %s PEM, as RS256', async (_format, pem, header) => {
    expect(pem.startsWith(header)).toBe(true);
    const ring = await keyRingFromJwks([await generateSigningJwk('ec-1'), { kid: 'rsa-1', alg: 'RS256', pem }]);
    expect(ring.active.kid).toBe('ec-1');
    expect(ring.algorithms()).toEqual(['ES256', 'RS256']);
    expect(ring.signerFor('RS256')?.kid).toBe('rsa-1');
    await signsAndVerifies(ring, 'RS256');
    const published = publicJwks(ring).keys.find((key) => key.kid === 'rsa-1');
    expect(published).toEqual({
      kty: 'RSA',
      n: rsa.publicKey.export({ format: 'jwk' }).n,
      e: 'AQAB',
      kid: 'rsa-1',
      alg: 'RS256',
      use: 'sig',
    });
  });

  it('takes the algorithm from the key type when a PEM entry names none', async () => {
    const pem = ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const ring = await keyRingFromJwks([{ kid: 'ec-pem', pem }]);
    expect(ring.active.alg).toBe('ES256');
    await signsAndVerifies(ring, 'ES256');
  });

  it('publishes only the public members of every key, whatever form it came in', async () => {
    const ring = await keyRingFromJwks([
      await generateSigningJwk('ec-jwk'),
      await generateSigningJwk('rsa-jwk', 'RS256'),
      { kid: 'rsa-pem', pem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() },
    ]);
    const published = publicJwks(ring).keys;
    expect(published.map((key) => key.kid)).toEqual(['ec-jwk', 'rsa-jwk', 'rsa-pem']);
    for (const key of published) {
      for (const member of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(member);
    }
  });

  it.each([
    [
      'a PEM that is not a key',
      { kid: 'bad', alg: 'RS256', pem: '-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----' },
    ],
    ['a public key PEM', { kid: 'public', pem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    [
      'a PEM entry without kid',
      { alg: 'RS256', pem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() },
    ],
    [
      'a PEM entry with other members',
      { kid: 'x', pem: rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), d: 'x' },
    ],
    ['a JWK without its private part', { kid: 'no-d', ...rsa.publicKey.export({ format: 'jwk' }) }],
  ])('refuses %s', async (_name, entry) => {
    await expect(keyRingFromJwks([entry])).rejects.toThrow();
  });
});
