import { clientJwkSetSchema, clientSnapshotSchema } from '@grantline/lib-events';
import { clientKeyPair, MemoryFetcher } from '@grantline/lib-testing';
import { ClientKeyCache, DEFAULT_CLIENT_KEY_LIMITS } from './client-keys';
import { CredentialRefused } from './credential-refused';

const URL_A = 'https://keys.a.test/jwks.json';
const URL_B = 'https://keys.b.test/jwks.json';
const first = clientKeyPair('k1').jwks;
const second = clientKeyPair('k2').jwks;

const clientAt = (jwksUri: string) =>
  clientSnapshotSchema.parse({
    clientId: `c-${jwksUri}`,
    name: 'c',
    secretHash: null,
    public: false,
    grantTypes: ['client_credentials'],
    scopes: [],
    redirectUris: [],
    webOrigins: [],
    jwksUri,
    createdAt: '2026-01-01T00:00:00.000Z',
  });

describe('ClientKeyCache', () => {
  let fetcher: MemoryFetcher;
  let cache: ClientKeyCache;
  const client = clientAt(URL_A);

  beforeEach(() => {
    fetcher = new MemoryFetcher().serve(URL_A, first, 600);
    cache = new ClientKeyCache();
  });

  it('fetches a jwks_uri once and keeps it for the lifetime the answer allows', async () => {
    expect(await cache.keysOf(client, fetcher, 1000)).toEqual(first.keys);
    fetcher.serve(URL_A, second, 600);
    expect(await cache.keysOf(client, fetcher, 1599)).toEqual(first.keys);
    expect(await cache.keysOf(client, fetcher, 1600)).toEqual(second.keys);
    expect(fetcher.fetched).toEqual([URL_A, URL_A]);
  });

  it.each([
    ['no-store', 0, DEFAULT_CLIENT_KEY_LIMITS.minTtlSeconds],
    ['a day', 86_400, DEFAULT_CLIENT_KEY_LIMITS.maxTtlSeconds],
    ['nothing', null, DEFAULT_CLIENT_KEY_LIMITS.defaultTtlSeconds],
  ])('clamps a lifetime of %s into its bounds', async (_name, maxAge, kept) => {
    fetcher.serve(URL_A, first, maxAge);
    await cache.keysOf(client, fetcher, 1000);
    await cache.keysOf(client, fetcher, 1000 + kept - 1);
    expect(fetcher.fetched).toHaveLength(1);
    await cache.keysOf(client, fetcher, 1000 + kept);
    expect(fetcher.fetched).toHaveLength(2);
  });

  it('fetches again for an unknown kid at most once per refetch interval', async () => {
    await cache.keysOf(client, fetcher, 1000);
    fetcher.serve(URL_A, second, 600);
    // Too soon after the first fetch: an attacker naming random kids gets no fetch.
    expect(await cache.keysOf(client, fetcher, 1010, true)).toEqual(first.keys);
    expect(await cache.keysOf(client, fetcher, 1060, true)).toEqual(second.keys);
    expect(await cache.keysOf(client, fetcher, 1070, true)).toEqual(second.keys);
    expect(fetcher.fetched).toHaveLength(2);
  });

  it('refuses while a failed fetch is remembered, then tries again', async () => {
    fetcher.forget(URL_A);
    await expect(cache.keysOf(client, fetcher, 1000)).rejects.toBeInstanceOf(CredentialRefused);
    fetcher.serve(URL_A, first, 600);
    await expect(cache.keysOf(client, fetcher, 1030)).rejects.toBeInstanceOf(CredentialRefused);
    expect(await cache.keysOf(client, fetcher, 1060)).toEqual(first.keys);
    expect(fetcher.fetched).toHaveLength(2);
  });

  it.each([
    ['a private key', { keys: [{ ...first.keys[0], d: 'x' }] }],
    ['no keys', { keys: [] }],
    ['not a key set', ['x']],
  ])('refuses a document with %s', async (_name, body) => {
    fetcher.serve(URL_A, body, 600);
    await expect(cache.keysOf(client, fetcher, 1000)).rejects.toBeInstanceOf(CredentialRefused);
  });

  it('shares one fetch between concurrent requests', async () => {
    await Promise.all([1, 2, 3].map(() => cache.keysOf(client, fetcher, 1000)));
    expect(fetcher.fetched).toHaveLength(1);
  });

  it('keeps at most maxEntries sets, dropping the least recently used', async () => {
    const small = new ClientKeyCache({ ...DEFAULT_CLIENT_KEY_LIMITS, maxEntries: 1 });
    fetcher.serve(URL_B, second, 600);
    await small.keysOf(client, fetcher, 1000);
    await small.keysOf(clientAt(URL_B), fetcher, 1000);
    await small.keysOf(client, fetcher, 1000);
    expect(fetcher.fetched).toEqual([URL_A, URL_B, URL_A]);
  });

  it('imports a key once per algorithm, and does not keep a key that failed to import', async () => {
    const [jwk] = clientJwkSetSchema.parse(first).keys;
    if (!jwk) throw new Error('no key');
    const imported = cache.importKey(jwk, 'ES256');
    expect(cache.importKey(jwk, 'ES256')).toBe(imported);
    await imported;
    const broken = { ...jwk, x: 'AA' };
    const failed = cache.importKey(broken, 'ES256');
    await expect(failed).rejects.toThrow();
    expect(cache.importKey(broken, 'ES256')).not.toBe(failed);
    await expect(cache.importKey(broken, 'ES256')).rejects.toThrow();
  });
});
