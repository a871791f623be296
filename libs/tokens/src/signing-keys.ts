import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import { z } from 'zod';

const privateJwkSchema = z
  .object({ kid: z.string().min(1), kty: z.string(), alg: z.string().default('ES256'), d: z.string() })
  .passthrough();

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: JWK;
  /** Private key material from which the keys that seal opaque artifacts are derived. */
  seed: Uint8Array;
}

/** The keys in force: the first signs; every one verifies, so old tokens outlive a rotation. */
export interface KeyRing {
  active: SigningKey;
  all: readonly SigningKey[];
  byKid(kid: string): SigningKey | undefined;
}

export async function keyRingFromJwks(jwks: readonly unknown[]): Promise<KeyRing> {
  if (jwks.length === 0) throw new Error('at least one signing key is required');
  const keys = await Promise.all(jwks.map((jwk) => importSigningKey(privateJwkSchema.parse(jwk))));
  const [active] = keys;
  if (!active) throw new Error('at least one signing key is required');
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  if (byKid.size !== keys.length) throw new Error('signing keys must have distinct kids');
  return { active, all: keys, byKid: (kid) => byKid.get(kid) };
}

/** Reads `*.jwk.json` files in name order. */
export function readJwkFiles(directory: string): unknown[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.jwk.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(directory, name), 'utf8')) as unknown);
}

export async function generateSigningJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
}

async function importSigningKey(jwk: z.infer<typeof privateJwkSchema>): Promise<SigningKey> {
  const privateKey = (await importJWK(jwk as JWK, jwk.alg)) as KeyLike;
  const { d: _private, ...publicFields } = jwk;
  const publicJwk: JWK = { ...(publicFields as JWK), use: 'sig' };
  const publicKey = (await importJWK(publicJwk, jwk.alg)) as KeyLike;
  return { kid: jwk.kid, alg: jwk.alg, privateKey, publicKey, publicJwk, seed: Buffer.from(jwk.d, 'base64url') };
}

/** The public half of every key, as served at /.well-known/jwks.json (RFC 7517). */
export function publicJwks(ring: KeyRing): { keys: JWK[] } {
  return { keys: ring.all.map((key) => key.publicJwk) };
}
