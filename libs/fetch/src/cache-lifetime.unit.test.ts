import { cacheLifetimeSeconds, parseCacheControl } from './cache-lifetime';

const NOW = Date.parse('2026-12-07T10:00:00Z');

describe('cacheLifetimeSeconds', () => {
  it.each([
    [{}, null],
    [{ cacheControl: 'max-age=300' }, 300],
    [{ cacheControl: 'public, max-age=600, must-revalidate' }, 600],
    [{ cacheControl: 'Max-Age=60' }, 60],
    [{ cacheControl: 'max-age="120"' }, 120],
    [{ cacheControl: 'max-age=300, s-maxage=30' }, 30],
    [{ cacheControl: 'no-store, max-age=300' }, 0],
    [{ cacheControl: 'max-age=300, no-cache' }, 0],
    [{ cacheControl: 'max-age=-5' }, null],
    [{ cacheControl: 'max-age=abc' }, null],
    [{ cacheControl: 'max-age=10, max-age=20' }, 10],
    [{ cacheControl: 'max-age=99999999999999' }, 2 ** 31],
    [{ cacheControl: 'max-age=300', age: '100' }, 200],
    [{ cacheControl: 'max-age=300', age: '400' }, 0],
    [{ cacheControl: 'max-age=300', expires: 'Mon, 07 Dec 2026 10:00:10 GMT' }, 300],
    [{ expires: 'Mon, 07 Dec 2026 10:05:00 GMT' }, 300],
    [{ expires: 'Mon, 07 Dec 2026 10:05:00 GMT', date: 'Mon, 07 Dec 2026 10:04:00 GMT' }, 60],
    [{ expires: 'Mon, 07 Dec 2026 09:00:00 GMT' }, 0],
    [{ expires: '0' }, 0],
    [{ expires: 'soon' }, 0],
    [{ cacheControl: 'private' }, null],
  ])('%j gives %p', (headers, seconds) => {
    expect(cacheLifetimeSeconds(headers, NOW)).toBe(seconds);
  });
});

describe('parseCacheControl', () => {
  it('reads names without case, values without quotes, and keeps the first of a name', () => {
    expect([...parseCacheControl(' No-Cache, max-age="5", max-age=7,,private=x')]).toEqual([
      ['no-cache', ''],
      ['max-age', '5'],
      ['private', 'x'],
    ]);
  });
});
