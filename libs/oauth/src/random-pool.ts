import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8 * 1024;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;

/**
 * `size` bytes from the system CSPRNG as base64url. Bytes are drawn from a pooled buffer that is
 * refilled 8 KiB at a time (as Node's randomUUID does), so an identifier costs no call into the
 * RNG of its own; no byte is handed out twice.
 */
export function randomBase64url(size: number): string {
  if (!Number.isInteger(size) || size <= 0 || size > POOL_BYTES) throw new RangeError(`bad size ${size}`);
  if (used + size > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const value = pool.toString('base64url', used, used + size);
  used += size;
  return value;
}
