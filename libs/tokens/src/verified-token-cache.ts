import type { AccessTokenClaims } from './access-token';

/**
 * Remembers tokens whose signature already verified, so the hot path skips the ECDSA check.
 * It holds nothing that can go stale: revocation and expiry are still checked per request.
 * Bounded; the oldest entry goes first.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, AccessTokenClaims>();

  constructor(private readonly capacity: number) {}

  get(token: string): AccessTokenClaims | undefined {
    return this.entries.get(token);
  }

  set(token: string, claims: AccessTokenClaims): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(token, claims);
  }
}
