import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 } as const;

function derive(secret: string, salt: Buffer, params: { N: number; r: number; p: number }, keyLength: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, keyLength, { ...params, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** Hashes a client secret with scrypt and a per-client salt: `scrypt$N$r$p$salt$hash`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, SCRYPT, SCRYPT.keyLength);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(
    secret,
    Buffer.from(salt, 'base64url'),
    { N: Number(n), r: Number(r), p: Number(p) },
    expected.length,
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * scrypt is deliberately slow, and introspecting gateways authenticate on every call. This
 * remembers which (client, secret digest) pairs verified against which stored hash; a
 * rotated or deleted secret no longer matches the stored hash, so nothing goes stale.
 */
export class VerifiedSecretCache {
  private readonly verified = new Map<string, string>();
  /** Concurrent first requests with one secret share a single scrypt run. */
  private readonly inFlight = new Map<string, Promise<boolean>>();

  constructor(private readonly capacity = 10_000) {}

  async verify(clientId: string, secret: string, storedHash: string): Promise<boolean> {
    const key = `${clientId}\u0000${createHash('sha256').update(secret).digest('base64url')}`;
    if (this.verified.get(key) === storedHash) return true;
    const flightKey = `${key}\u0000${storedHash}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) return pending;
    const check = verifySecret(secret, storedHash).then((ok) => {
      if (ok) {
        if (this.verified.size >= this.capacity) this.verified.clear();
        this.verified.set(key, storedHash);
      }
      return ok;
    });
    this.inFlight.set(flightKey, check);
    try {
      return await check;
    } finally {
      this.inFlight.delete(flightKey);
    }
  }
}
