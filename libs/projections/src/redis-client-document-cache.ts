import {
  cachedClientDocumentSchema,
  clientDocumentKey,
  type CachedClientDocument,
  type ClientDocumentCache,
} from './client-document-cache';
import { failClosed, RedisStore } from './redis-connection';

/**
 * The document cache every replica shares: one Redis string per URL with its own expiry, so a
 * document fetched by one replica serves them all until it expires.
 */
export class RedisClientDocumentCache extends RedisStore implements ClientDocumentCache {
  async get(url: string): Promise<CachedClientDocument | null> {
    const text = await failClosed(() => this.redis.get(this.key(clientDocumentKey(url))));
    if (text === null) return null;
    const parsed = cachedClientDocumentSchema.safeParse(safeJson(text));
    return parsed.success ? parsed.data : null;
  }

  async put(url: string, entry: CachedClientDocument, ttlSeconds: number): Promise<void> {
    await failClosed(() => this.redis.set(this.key(clientDocumentKey(url)), JSON.stringify(entry), 'EX', ttlSeconds));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
