import type { CachedClientDocument, ClientDocumentCache } from './client-document-cache';
import { systemSeconds, type SecondsClock } from './memory-projection-store';

/**
 * The document cache of one process (embedded mode, unit tests), holding at most `maxEntries`;
 * when full, expired entries go first, then the least recently used.
 */
export class MemoryClientDocumentCache implements ClientDocumentCache {
  private readonly entries = new Map<string, { entry: CachedClientDocument; expiresAt: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly clock: SecondsClock = systemSeconds,
  ) {}

  async get(url: string): Promise<CachedClientDocument | null> {
    const held = this.entries.get(url);
    if (!held) return null;
    if (held.expiresAt <= this.clock.nowSeconds()) {
      this.entries.delete(url);
      return null;
    }
    // Most recently used last, so the oldest unused entry goes first when room is needed.
    this.entries.delete(url);
    this.entries.set(url, held);
    return held.entry;
  }

  async put(url: string, entry: CachedClientDocument, ttlSeconds: number): Promise<void> {
    this.entries.delete(url);
    if (this.entries.size >= this.maxEntries) this.makeRoom();
    this.entries.set(url, { entry, expiresAt: this.clock.nowSeconds() + ttlSeconds });
  }

  get size(): number {
    return this.entries.size;
  }

  private makeRoom(): void {
    const now = this.clock.nowSeconds();
    for (const [url, held] of this.entries) if (held.expiresAt <= now) this.entries.delete(url);
    for (const url of this.entries.keys()) {
      if (this.entries.size < this.maxEntries) break;
      this.entries.delete(url);
    }
  }
}
