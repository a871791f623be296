import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '@grantline/lib-config';
import { generateSigningJwk, keyRingFromJwks, readJwkFiles, type KeyRing } from '@grantline/lib-tokens';

/** Signing keys from the environment or a folder (a mounted Kubernetes Secret), never from events. */
export async function loadKeyRing(config: Config): Promise<KeyRing> {
  if (config.GRANTLINE_SIGNING_KEYS) return keyRingFromJwks(JSON.parse(config.GRANTLINE_SIGNING_KEYS) as unknown[]);
  if (config.GRANTLINE_SIGNING_KEYS_DIR) return keyRingFromJwks(readJwkFiles(config.GRANTLINE_SIGNING_KEYS_DIR));
  throw new Error('Set GRANTLINE_SIGNING_KEYS or GRANTLINE_SIGNING_KEYS_DIR');
}

/** Creates a first key in `directory` when it holds none (embedded mode and the local stack). */
export async function ensureKeyDirectory(directory: string): Promise<void> {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  if (existsSync(directory) && readJwkFiles(directory).length > 0) return;
  const kid = `key-${new Date().toISOString().slice(0, 10)}-${Math.random().toString(36).slice(2, 8)}`;
  const jwk = await generateSigningJwk(kid);
  writeFileSync(join(directory, `0001-${kid}.jwk.json`), JSON.stringify(jwk, null, 2), { mode: 0o600 });
}
