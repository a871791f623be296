import { createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * A fresh P-256 key pair whose public half comes back as a JWK from the generation itself.
 * Exporting a freshly generated KeyObject as a JWK can deadlock Node 20 when a garbage
 * collection frees the generation job at the same moment (seen in loops of thousands of keys).
 * Node accepts `format: 'jwk'` here; its typings do not, hence the cast.
 */
export function generateP256Key(): { privateKey: KeyObject; publicJwk: JsonWebKey } {
  const generate = generateKeyPairSync as unknown as (
    type: 'ec',
    options: { namedCurve: string; publicKeyEncoding: { format: 'jwk' }; privateKeyEncoding: { format: 'jwk' } },
  ) => { publicKey: JsonWebKey; privateKey: JsonWebKey };
  const pair = generate('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { format: 'jwk' },
    privateKeyEncoding: { format: 'jwk' },
  });
  return { privateKey: createPrivateKey({ key: pair.privateKey, format: 'jwk' }), publicJwk: pair.publicKey };
}
