import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { generateP256Key } from '@grantline/lib-testing';

/**
 * DPoP proofs (RFC 9449 §4.2) made with node:crypto alone, so that a test can send exactly the proof
 * it means, malformed ones included, independently of the server's JOSE library.
 */

export interface EcPublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
}

export interface DPoPKey {
  privateKey: KeyObject;
  /** The public key as RFC 7518 §6.2.1 encodes it: each coordinate exactly 32 bytes. */
  jwk: EcPublicJwk;
}

export function generateDPoPKey(): DPoPKey {
  const { privateKey, publicJwk } = generateP256Key();
  const { kty, crv, x, y } = publicJwk;
  if (kty !== 'EC' || crv !== 'P-256' || !x || !y) throw new Error('node:crypto exported an unexpected P-256 JWK');
  return { privateKey, jwk: { kty, crv, x, y } };
}

/** The bytes of a base64url coordinate. */
export function coordinateBytes(value: string): Buffer {
  return Buffer.from(value, 'base64url');
}

/**
 * A fresh P-256 key whose `coordinate` starts with exactly one zero byte (about 1 key in 257), so
 * that stripping it leaves 31 bytes; bounded by `maxTries`, which at the default fails by chance
 * with a probability far below 1e-30.
 */
export function keyWithLeadingZero(coordinate: 'x' | 'y', maxTries = 20_000): DPoPKey & { tries: number } {
  for (let tries = 1; tries <= maxTries; tries += 1) {
    const key = generateDPoPKey();
    const bytes = coordinateBytes(key.jwk[coordinate]);
    if (bytes[0] === 0 && bytes[1] !== 0) return { ...key, tries };
  }
  throw new Error(`no P-256 key with a leading zero byte in ${coordinate} after ${maxTries} keys`);
}

/** The JWK as Go's big.Int.Bytes() encodes it: `coordinate` without its leading zero bytes. */
export function strippedJwk(jwk: EcPublicJwk, coordinate: 'x' | 'y'): EcPublicJwk {
  const bytes = coordinateBytes(jwk[coordinate]);
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  return { ...jwk, [coordinate]: bytes.subarray(start).toString('base64url') };
}

/** RFC 7638 thumbprint of an EC public key: SHA-256 over its required members in lexicographic order. */
export function jwkThumbprint(jwk: EcPublicJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/** RFC 9449 §4.2 `ath`: base64url SHA-256 of the access token. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

export interface ProofOptions {
  htm: string;
  htu: string;
  accessToken?: string;
  nonce?: string;
  /** Members that replace the header's defaults (alg ES256, typ dpop+jwt, the key's JWK). */
  header?: Record<string, unknown>;
  iat?: number;
}

/** A compact JWS signed with the key by ES256 (R || S, 64 bytes), whatever the header claims. */
export function dpopProof(key: DPoPKey, options: ProofOptions): string {
  const header = { alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk, ...options.header };
  const claims = {
    jti: randomBytes(16).toString('base64url'),
    htm: options.htm,
    htu: options.htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    ...(options.accessToken === undefined ? {} : { ath: accessTokenHash(options.accessToken) }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** The decoded JSON of one segment (0: header, 1: payload) of a compact JWS or JWT. */
export function jwsSegment(compact: string, index: 0 | 1): Record<string, unknown> {
  const segment = compact.split('.')[index];
  if (segment === undefined) throw new Error(`not a compact JWS: ${compact.slice(0, 80)}`);
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}
