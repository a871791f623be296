import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { KeyRing } from '@grantline/lib-tokens';

/**
 * Server nonces (RFC 9449 §8) without shared state: a nonce is an HMAC of the time step under a
 * key derived from the active signing key, so every replica computes the same one and accepts
 * the current and the previous step's. Nothing is stored; a signing-key rotation makes clients
 * fetch one new nonce.
 */
export class DpopNonces {
  private key: { kid: string; bytes: Buffer } | undefined;

  constructor(
    private readonly keys: KeyRing,
    private readonly periodSeconds: number,
  ) {}

  current(nowSeconds: number): string {
    return this.forStep(Math.floor(nowSeconds / this.periodSeconds));
  }

  accepts(nonce: unknown, nowSeconds: number): boolean {
    if (typeof nonce !== 'string') return false;
    const step = Math.floor(nowSeconds / this.periodSeconds);
    return [step, step - 1].some((candidate) => same(nonce, this.forStep(candidate)));
  }

  private forStep(step: number): string {
    const { kid, seed } = this.keys.active;
    if (this.key?.kid !== kid) {
      this.key = { kid, bytes: Buffer.from(hkdfSync('sha256', seed, 'grantline', 'dpop-nonce', 32)) };
    }
    return createHmac('sha256', this.key.bytes).update(String(step)).digest('base64url');
  }
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
