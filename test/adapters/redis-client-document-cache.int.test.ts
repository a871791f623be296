import { Redis } from 'ioredis';
import { RedisClientDocumentCache } from '@grantline/lib-projections';
import { infraFromEnv } from '../stack/stack-fixture';

/** The client ID metadata documents in Redis: what one replica keeps, every other reads, until it expires. */
const prefix = `tcimd${Date.now().toString(36)}:`;
const options = { url: infraFromEnv().redisUrl, keyPrefix: prefix };
const [first, second] = [new RedisClientDocumentCache(options), new RedisClientDocumentCache(options)];
const raw = new Redis(infraFromEnv().redisUrl);
const URL_ID = 'https://app.example.com/oauth/client.json';
const document = { kind: 'document' as const, json: '{"client_id":"x"}', sha256: 'a'.repeat(43), fetchedAt: 1 };

beforeAll(() => Promise.all([first.waitUntilReady(5_000), second.waitUntilReady(5_000)]));
afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
  raw.disconnect();
});

it('serves what one replica kept to another', async () => {
  expect(await second.get(URL_ID)).toBeNull();
  await first.put(URL_ID, document, 60);
  expect(await second.get(URL_ID)).toEqual(document);
});

it('keeps an entry for its time to live, under a fixed-length key', async () => {
  await first.put(`${URL_ID}?failed`, { kind: 'failed', fetchedAt: 1 }, 1);
  const keys = await raw.keys(`${prefix}client-document:*`);
  expect(keys.every((key) => key.length === prefix.length + 'client-document:'.length + 43)).toBe(true);
  const ttls = await Promise.all(keys.map((key) => raw.ttl(key)));
  expect(ttls.every((ttl) => ttl > 0 && ttl <= 60)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  expect(await second.get(`${URL_ID}?failed`)).toBeNull();
});

it('reads a value it cannot parse as nothing kept', async () => {
  const key = (await raw.keys(`${prefix}client-document:*`))[0] ?? '';
  await raw.set(key, 'not json', 'EX', 60);
  expect(await second.get(URL_ID)).toBeNull();
});
