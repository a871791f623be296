import { randomBase64url } from './random-pool';

/** Time and identifiers come in from outside so decisions stay pure and testable. */
export interface Clock {
  now(): Date;
}

export interface IdSource {
  /** An unguessable identifier with 256 bits of entropy. */
  secret(): string;
  /** A unique identifier for tokens and grants, 128 bits. */
  tokenId(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdSource = {
  secret: () => randomBase64url(32),
  tokenId: () => randomBase64url(16),
};

export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}
