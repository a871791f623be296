import { createPrivateKey, createPublicKey, type JsonWebKey as NodeJwk } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import { z } from 'zod';

/** The algorithm a key signs with when its JWK names none: by key type, ES256 for EC as before. */
const DEFAULT_ALG_BY_KTY: Readonly<Record<string, string>> = { EC: 'ES256', RSA: 'RS256', OKP: 'EdDSA' };

const jwkEntrySchema = z
  .object({ kid: z.string().min(1), kty: z.string(), alg: z.string().optional(), d: z.string() })
  .passthrough();

/**
 * A key as PEM, for tools that cannot write a JWK (Helm's `genPrivateKey "rsa"` writes PKCS#1):
 * PKCS#1, SEC1 or PKCS#8 private keys, read with node:crypto and used as the JWK they are.
 */
const pemEntrySchema = z
  .object({ kid: z.string().min(1), alg: z.string().optional(), pem: z.string().includes('PRIVATE KEY-----') })
  .strict()
  .transform((entry, context) => {
    try {
      const jwk = createPrivateKey({ key: entry.pem, format: 'pem' }).export({ format: 'jwk' });
      return { ...jwk, kty: String(jwk.kty), d: String(jwk.d), kid: entry.kid, alg: entry.alg };
    } catch {
      context.addIssue({ code: 'custom', message: `signing key ${entry.kid}: the pem is not a private key` });
      return z.NEVER;
    }
  });

/** One signing key as configured: a private JWK, or `{ kid, alg, pem }`; `alg` defaults by key type. */
export const signingKeyEntrySchema = z
  .union([pemEntrySchema, jwkEntrySchema])
  .transform((jwk) => ({ ...jwk, alg: jwk.alg ?? DEFAULT_ALG_BY_KTY[jwk.kty] ?? 'ES256' }));
type SigningKeyEntry = z.infer<typeof signingKeyEntrySchema>;

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  publicKey: KeyLike;
  publicJwk: JWK;
  /** Private key material from which the keys that seal opaque artifacts are derived. */
  seed: Uint8Array;
}

/**
 * The keys in force: the first signs access tokens and seeds sealing; every one verifies, so old
 * tokens outlive a rotation. Artifacts that must be signed with one algorithm (an ID token a
 * client registered RS256 for) use the first key of that algorithm, in the same order.
 */
export interface KeyRing {
  active: SigningKey;
  all: readonly SigningKey[];
  byKid(kid: string): SigningKey | undefined;
  /** The key that signs with `alg` now: the first of that algorithm; undefined when none is held. */
  signerFor(alg: string): SigningKey | undefined;
  /** Every algorithm some key signs with, in key order, each once. */
  algorithms(): readonly string[];
}

export async function keyRingFromJwks(jwks: readonly unknown[]): Promise<KeyRing> {
  if (jwks.length === 0) throw new Error('at least one signing key is required');
  const keys = await Promise.all(jwks.map((jwk) => importSigningKey(signingKeyEntrySchema.parse(jwk))));
  const [active] = keys;
  if (!active) throw new Error('at least one signing key is required');
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  if (byKid.size !== keys.length) throw new Error('signing keys must have distinct kids');
  const byAlg = new Map<string, SigningKey>();
  for (const key of keys) if (!byAlg.has(key.alg)) byAlg.set(key.alg, key);
  const algorithms = [...byAlg.keys()];
  return {
    active,
    all: keys,
    byKid: (kid) => byKid.get(kid),
    signerFor: (alg) => byAlg.get(alg),
    algorithms: () => algorithms,
  };
}

/** Reads `*.jwk.json` files in name order. */
export function readJwkFiles(directory: string): unknown[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.jwk.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(directory, name), 'utf8')) as unknown);
}

/** A new private signing key as a JWK: ES256 by default; RS256 (2048-bit) for ID tokens' default. */
export async function generateSigningJwk(kid: string, alg: 'ES256' | 'RS256' = 'ES256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'RS256' ? { modulusLength: 2048 } : {}),
  });
  return { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
}

async function importSigningKey(jwk: SigningKeyEntry): Promise<SigningKey> {
  const privateKey = (await importJWK(jwk as JWK, jwk.alg)) as KeyLike;
  const publicJwk: JWK = { ...publicPartOf(jwk), kid: jwk.kid, alg: jwk.alg, use: 'sig' };
  const publicKey = (await importJWK(publicJwk, jwk.alg)) as KeyLike;
  return { kid: jwk.kid, alg: jwk.alg, privateKey, publicKey, publicJwk, seed: Buffer.from(jwk.d, 'base64url') };
}

/**
 * The public members of a private JWK, as node:crypto derives them: only `n` and `e` of an RSA
 * key, `crv`, `x` and `y` of an EC key; never `d` or an RSA key's primes and CRT values.
 */
function publicPartOf(jwk: SigningKeyEntry): JWK {
  const privateKey = createPrivateKey({ key: jwk as NodeJwk, format: 'jwk' });
  return createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
}

/** The public half of every key, as served at /.well-known/jwks.json (RFC 7517). */
export function publicJwks(ring: KeyRing): { keys: JWK[] } {
  return { keys: ring.all.map((key) => key.publicJwk) };
}
