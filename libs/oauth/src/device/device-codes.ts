import { createHash, createHmac, hkdfSync, randomBytes, randomInt } from 'node:crypto';
import type { KeyRing } from '@grantline/lib-tokens';

/** RFC 8628 §6.1: consonants only (no vowels, so no words), upper case, no look-alikes. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A device code with 256 bits of entropy (RFC 8628 §5.1 asks that it be unguessable). */
export function newDeviceCode(): string {
  return randomBytes(32).toString('base64url');
}

/** 8 characters, each drawn uniformly from the alphabet: 20^8 ≈ 2.6·10^10 codes (≈ 34.6 bits). */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i += 1) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** Shown as XXXX-XXXX (RFC 8628 §6.1: a separator makes it easier to read and type). */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed, as a user code: case, spaces and dashes do not matter (RFC 8628 §6.1).
 * Null when it cannot be a user code at all, so it costs no lookup.
 */
export function normaliseUserCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return null;
  return [...code].every((char) => USER_CODE_ALPHABET.includes(char)) ? code : null;
}

/** The id of a device authorization: the hash of its device code, so the code itself is never stored. */
export function deviceIdOf(deviceCode: string): string {
  return createHash('sha256').update(deviceCode).digest('base64url');
}

/**
 * The lookup key of a user code. The code space is small enough to search, so a plain hash
 * would give the code away; this is keyed by a secret derived from the active signing key,
 * which every replica holds. A key rotation forgets user codes in flight (they live minutes).
 */
export function userCodeHash(keys: KeyRing, code: string): string {
  const key = hkdfSync('sha256', keys.active.seed, 'grantline', 'user-code', 32);
  return createHmac('sha256', Buffer.from(key)).update(code).digest('base64url');
}
