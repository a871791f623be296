import { randomBytes } from 'node:crypto';

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
  secret: () => randomBytes(32).toString('base64url'),
  tokenId: () => randomBytes(16).toString('base64url'),
};

export function epochSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}
