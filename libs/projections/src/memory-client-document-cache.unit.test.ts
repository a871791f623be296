import { MemoryClientDocumentCache } from './memory-client-document-cache';

const entry = (sha256: string) => ({ kind: 'document' as const, json: '{}', sha256, fetchedAt: 0 });

describe('MemoryClientDocumentCache', () => {
  let now = 1000;
  const clock = { nowSeconds: () => now };

  beforeEach(() => {
    now = 1000;
  });

  it('keeps an entry for its time to live', async () => {
    const cache = new MemoryClientDocumentCache(10, clock);
    await cache.put('https://a.example/c', entry('a'), 60);
    now += 59;
    expect(await cache.get('https://a.example/c')).toEqual(entry('a'));
    now += 1;
    expect(await cache.get('https://a.example/c')).toBeNull();
  });

  it('holds at most its bound, dropping expired entries first, then the least recently used', async () => {
    const cache = new MemoryClientDocumentCache(3, clock);
    await cache.put('https://a.example/1', entry('1'), 600);
    await cache.put('https://a.example/2', entry('2'), 10);
    await cache.put('https://a.example/3', entry('3'), 600);
    now += 10;
    await cache.put('https://a.example/4', entry('4'), 600);
    expect(await cache.get('https://a.example/1')).toEqual(entry('1'));
    await cache.put('https://a.example/5', entry('5'), 600);
    expect(cache.size).toBe(3);
    expect(await cache.get('https://a.example/3')).toBeNull();
    expect(await cache.get('https://a.example/5')).toEqual(entry('5'));
  });

  it('replaces an entry in place of adding one', async () => {
    const cache = new MemoryClientDocumentCache(2, clock);
    await cache.put('https://a.example/1', entry('1'), 600);
    await cache.put('https://a.example/1', { kind: 'failed', fetchedAt: 0 }, 30);
    expect(cache.size).toBe(1);
    expect(await cache.get('https://a.example/1')).toEqual({ kind: 'failed', fetchedAt: 0 });
  });
});
