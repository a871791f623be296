import { createHash } from 'node:crypto';
import { generateSigningJwk, keyRingFromJwks, type KeyRing } from '@grantline/lib-tokens';
import {
  deviceIdOf,
  formatUserCode,
  newDeviceCode,
  newUserCode,
  normaliseUserCode,
  USER_CODE_ALPHABET,
  USER_CODE_LENGTH,
  userCodeHash,
} from './device-codes';

const SAMPLES = 2_000;
const codes = (count: number, make: () => string) => Array.from({ length: count }, make);

describe('user codes', () => {
  it('use 20 upper-case consonants without Y and without digits (RFC 8628 §6.1)', () => {
    expect(USER_CODE_ALPHABET).toHaveLength(20);
    expect(new Set(USER_CODE_ALPHABET).size).toBe(20);
    expect(USER_CODE_ALPHABET).toMatch(/^[B-DF-HJ-NP-TV-XZ]+$/);
    expect(USER_CODE_ALPHABET).not.toMatch(/[AEIOUY0-9]/);
  });

  it('are eight characters of the alphabet, and rarely repeat', () => {
    const sample = codes(SAMPLES, newUserCode);
    for (const code of sample) expect(code).toMatch(new RegExp(`^[${USER_CODE_ALPHABET}]{${USER_CODE_LENGTH}}$`));
    // 2,000 draws from 2.56·10^10 codes collide with probability ≈ 8·10^-5.
    expect(new Set(sample).size).toBe(SAMPLES);
  });

  it('draw every character about equally often (chi-square sanity check)', () => {
    const counts = new Map<string, number>();
    for (const code of codes(SAMPLES, newUserCode)) {
      for (const char of code) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    const expected = (SAMPLES * USER_CODE_LENGTH) / USER_CODE_ALPHABET.length;
    const chiSquare = [...USER_CODE_ALPHABET].reduce(
      (sum, char) => sum + ((counts.get(char) ?? 0) - expected) ** 2 / expected,
      0,
    );
    // 19 degrees of freedom: a uniform source exceeds 60 with probability below 10^-5.
    expect(chiSquare).toBeLessThan(60);
    expect([...counts.keys()].sort().join('')).toBe([...USER_CODE_ALPHABET].sort().join(''));
  });

  it('draw every character at every position', () => {
    const seen = Array.from({ length: USER_CODE_LENGTH }, () => new Set<string>());
    for (const code of codes(SAMPLES, newUserCode)) [...code].forEach((char, index) => seen[index]?.add(char));
    expect(seen.map((chars) => chars.size)).toEqual(Array.from({ length: USER_CODE_LENGTH }, () => 20));
  });

  it('are shown as two groups of four', () => {
    expect(formatUserCode('BCDFGHJK')).toBe('BCDF-GHJK');
    for (const code of codes(100, newUserCode)) {
      expect(formatUserCode(code)).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      expect(normaliseUserCode(formatUserCode(code))).toBe(code);
    }
  });

  describe('normaliseUserCode', () => {
    it.each([
      ['the shown form', 'BCDF-GHJK'],
      ['without the dash', 'BCDFGHJK'],
      ['in lower case', 'bcdf-ghjk'],
      ['in mixed case', 'bCdF-gHjK'],
      ['with spaces around and inside', '  BCDF GHJK '],
      ['with tabs and a line break', '\tBCDF\nGHJK'],
      ['with dashes in other places', 'B-C-D-F-G-H-J-K'],
      ['with several dashes and spaces', 'BCDF -- GHJK'],
    ])('reads a code typed %s', (_name, typed) => {
      expect(normaliseUserCode(typed)).toBe('BCDFGHJK');
    });

    it.each([
      ['a vowel', 'BCDA-GHJK'],
      ['an E', 'BCDE-GHJK'],
      ['an I', 'BCDI-GHJK'],
      ['an O', 'BCDO-GHJK'],
      ['a U', 'BCDU-GHJK'],
      ['a Y', 'BCDY-GHJK'],
      ['a digit', 'BCD1-GHJK'],
      ['a zero for an O', 'BCD0-GHJK'],
      ['seven characters', 'BCDF-GHJ'],
      ['nine characters', 'BCDF-GHJKL'],
      ['nothing', ''],
      ['only separators', ' - - '],
      ['another separator', 'BCDF.GHJK'],
      ['an underscore', 'BCDF_GHJK'],
      ['a letter outside ASCII', 'BCDF-GHJÑ'],
      ['sixteen characters', 'BCDFGHJKBCDFGHJK'],
    ])('refuses a code with %s', (_name, typed) => {
      expect(normaliseUserCode(typed)).toBeNull();
    });
  });

  describe('userCodeHash', () => {
    let keys: KeyRing;
    let otherKeys: KeyRing;

    beforeAll(async () => {
      keys = await keyRingFromJwks([await generateSigningJwk('k1')]);
      otherKeys = await keyRingFromJwks([await generateSigningJwk('k2')]);
    });

    it('is stable for one code and key, and differs between codes', () => {
      expect(userCodeHash(keys, 'BCDFGHJK')).toBe(userCodeHash(keys, 'BCDFGHJK'));
      expect(userCodeHash(keys, 'BCDFGHJK')).not.toBe(userCodeHash(keys, 'BCDFGHJL'));
    });

    it('is keyed: another signing key gives another hash, and no plain hash matches it', () => {
      const hash = userCodeHash(keys, 'BCDFGHJK');
      expect(hash).not.toBe(userCodeHash(otherKeys, 'BCDFGHJK'));
      expect(hash).not.toBe(createHash('sha256').update('BCDFGHJK').digest('base64url'));
      expect(hash).not.toContain('BCDFGHJK');
    });
  });
});

describe('device codes', () => {
  const decoded = (code: string) => Buffer.from(code, 'base64url');

  it('are base64url without padding and carry at least 128 bits', () => {
    for (const code of codes(100, newDeviceCode)) {
      expect(code).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decoded(code).toString('base64url')).toBe(code);
      expect(decoded(code).length * 8).toBeGreaterThanOrEqual(128);
    }
  });

  it('vary in every bit (no fixed prefix, counter or timestamp)', () => {
    const sample = codes(64, newDeviceCode).map(decoded);
    const length = sample[0]?.length ?? 0;
    const ones = new Uint8Array(length);
    const zeros = new Uint8Array(length);
    for (const bytes of sample) {
      bytes.forEach((byte, index) => {
        ones[index] = (ones[index] ?? 0) | byte;
        zeros[index] = (zeros[index] ?? 0) | ~byte;
      });
    }
    // Over 64 random codes each bit is both 0 and 1 somewhere, except with probability 2^-63 per bit.
    expect([...ones].every((byte) => byte === 0xff)).toBe(true);
    expect([...zeros].every((byte) => byte === 0xff)).toBe(true);
    expect(new Set(sample.map((bytes) => bytes.toString('hex'))).size).toBe(64);
  });

  it('are known by their SHA-256, which does not reveal them', () => {
    const code = newDeviceCode();
    const id = deviceIdOf(code);
    expect(id).toBe(createHash('sha256').update(code).digest('base64url'));
    expect(id).not.toBe(code);
    expect(deviceIdOf(code)).toBe(id);
    expect(deviceIdOf(newDeviceCode())).not.toBe(id);
  });
});
