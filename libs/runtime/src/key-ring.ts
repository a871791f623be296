import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@grantline/lib-config';
import {
  generateSigningJwk,
  keyRingFromJwks,
  readJwkFiles,
  signingKeyEntrySchema,
  type KeyRing,
} from '@grantline/lib-tokens';

/** Signing keys from the environment or a folder (a mounted Kubernetes Secret), never from events. */
export async function loadKeyRing(config: Config): Promise<KeyRing> {
  if (config.GRANTLINE_SIGNING_KEYS) return keyRingFromJwks(JSON.parse(config.GRANTLINE_SIGNING_KEYS) as unknown[]);
  if (config.GRANTLINE_SIGNING_KEYS_DIR) return keyRingFromJwks(readJwkFiles(config.GRANTLINE_SIGNING_KEYS_DIR));
  throw new Error('Set GRANTLINE_SIGNING_KEYS or GRANTLINE_SIGNING_KEYS_DIR');
}

/**
 * Creates the keys `directory` lacks (embedded mode and the local stack): a first ES256 key, which
 * signs access tokens, when it holds none; and an RS256 key when it holds no RSA key, because
 * OpenID Connect Core §15.1 has every provider sign ID tokens with RS256. The RSA key is named to
 * sort after the first key, so it never becomes the access-token signer of an existing folder.
 */
export async function ensureKeyDirectory(directory: string): Promise<void> {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const held = existsSync(directory) ? readJwkFiles(directory) : [];
  if (held.length === 0) await writeKey(directory, '0001', 'ES256');
  // A key written as PEM counts by the key it holds.
  const isRsa = (entry: unknown) => signingKeyEntrySchema.safeParse(entry).data?.kty === 'RSA';
  if (!held.some(isRsa)) await writeKey(directory, '0900', 'RS256');
}

async function writeKey(directory: string, order: string, alg: 'ES256' | 'RS256'): Promise<void> {
  const kid = `key-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 8)}`;
  const jwk = await generateSigningJwk(kid, alg);
  writeFileSync(join(directory, `${order}-${kid}.jwk.json`), JSON.stringify(jwk, null, 2), { mode: 0o600 });
}
