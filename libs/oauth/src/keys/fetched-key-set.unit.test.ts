import { MemoryFetcher } from '@grantline/lib-testing';
import { FetchedKeySet, KeySetUnavailable, type KeySetTimings } from './fetched-key-set';

const URL = 'https://keys.example.test/jwks.json';
const TIMINGS: KeySetTimings = {
  minTtlSeconds: 60,
  maxTtlSeconds: 3600,
  defaultTtlSeconds: 300,
  refetchIntervalSeconds: 30,
};
const namesOf = (document: unknown): string[] | null => {
  const keys = (document as { keys?: unknown }).keys;
  return Array.isArray(keys) ? keys.map((key) => String((key as { kid?: unknown }).kid)) : null;
};

describe('a key set fetched from a URL', () => {
  let fetcher: MemoryFetcher;
  let set: FetchedKeySet<string[]>;

  beforeEach(() => {
    fetcher = new MemoryFetcher().serve(URL, { keys: [{ kid: 'a' }] }, 120);
    set = new FetchedKeySet(URL, TIMINGS, namesOf);
  });

  it('is kept for the lifetime its answer gives, within the bounds', async () => {
    expect(await set.keysAt(fetcher, 1000)).toEqual(['a']);
    expect(await set.keysAt(fetcher, 1119)).toEqual(['a']);
    expect(fetcher.fetched).toHaveLength(1);
    fetcher.serve(URL, { keys: [{ kid: 'b' }] }, 1);
    expect(await set.keysAt(fetcher, 1120)).toEqual(['b']);
    // A one-second max-age is held to the 60 s floor.
    expect(await set.keysAt(fetcher, 1179)).toEqual(['b']);
    expect(fetcher.fetched).toHaveLength(2);
  });

  it('is fetched again for an unknown kid, at most once per refetch interval', async () => {
    await set.keysAt(fetcher, 1000);
    fetcher.serve(URL, { keys: [{ kid: 'b' }] }, 120);
    expect(await set.keysAt(fetcher, 1029, true)).toEqual(['a']);
    expect(await set.keysAt(fetcher, 1030, true)).toEqual(['b']);
    expect(fetcher.fetched).toHaveLength(2);
  });

  it('keeps the keys it holds while a fetch fails, and tries again after the interval', async () => {
    await set.keysAt(fetcher, 1000);
    fetcher.forget(URL);
    expect(await set.keysAt(fetcher, 1200)).toEqual(['a']);
    expect(await set.keysAt(fetcher, 1229)).toEqual(['a']);
    expect(fetcher.fetched).toHaveLength(2);
    fetcher.serve(URL, { keys: [{ kid: 'c' }] }, 120);
    expect(await set.keysAt(fetcher, 1230)).toEqual(['c']);
  });

  it('is unavailable when nothing was ever read, and remembers that for the interval', async () => {
    fetcher.serve(URL, ['not', 'a', 'set'], 120);
    await expect(set.keysAt(fetcher, 1000)).rejects.toBeInstanceOf(KeySetUnavailable);
    fetcher.serve(URL, { keys: [{ kid: 'a' }] }, 120);
    await expect(set.keysAt(fetcher, 1029)).rejects.toThrow(/not a public key set/);
    expect(fetcher.fetched).toHaveLength(1);
    expect(await set.keysAt(fetcher, 1030)).toEqual(['a']);
  });

  it('fetches once for requests that arrive together', async () => {
    await Promise.all([1, 2, 3].map(() => set.keysAt(fetcher, 1000)));
    expect(fetcher.fetched).toHaveLength(1);
  });
});
