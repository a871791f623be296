import { randomBase64url } from './random-pool';

/** Time and identifiers come in from outside so decisions stay pure and testable. */
export interface Clock {
  now(): Date;
}

export interface IdSource {
  /** An unguessable identifier with 256 bits of entropy. */
  secret(): string;
  /** A unique identifier for tokens, grants and clients, about 128 bits; it never begins with `-`. */
  tokenId(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdSource = {
  secret: () => randomBase64url(32),
  tokenId: () => operandSafe(randomBase64url(16)),
};

/**
 * Generated ids are typed as command-line operands (`grantline client show <id>`), where a leading
 * `-` reads as an option; such an id gets `A` there instead, which costs under 1/64 of a bit.
 */
function operandSafe(id: string): string {
  return id.startsWith('-') ? `A${id.slice(1)}` : id;
}

export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}
