import { randomBase64url } from './random-pool';
import { randomIds } from './clock';

describe('randomBase64url', () => {
  it('gives base64url strings of the asked size, never the same twice, across refills of the pool', () => {
    const seen = new Set<string>();
    // 2,000 × 16 bytes spans several 8 KiB refills.
    for (let index = 0; index < 2_000; index += 1) {
      const value = randomBase64url(16);
      expect(value).toMatch(/^[A-Za-z0-9_-]{22}$/);
      seen.add(value);
    }
    expect(seen.size).toBe(2_000);
    expect(Buffer.from(randomBase64url(32), 'base64url')).toHaveLength(32);
  });

  it('refuses sizes it cannot serve', () => {
    expect(() => randomBase64url(0)).toThrow(RangeError);
    expect(() => randomBase64url(8 * 1024 + 1)).toThrow(RangeError);
  });
});

describe('generated ids', () => {
  it('never begin with "-", so they can be command-line operands', () => {
    const ids = Array.from({ length: 5000 }, () => randomIds.tokenId());
    expect(ids.some((id) => id.startsWith('-'))).toBe(false);
    expect(ids.every((id) => /^[A-Za-z0-9_-]{22}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
