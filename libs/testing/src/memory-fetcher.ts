import { createHash } from 'node:crypto';
import { RemoteFetchError, type RemoteDocument, type RemoteFetcher } from '@grantline/lib-fetch';

/**
 * An in-memory fetcher for unit tests: serves the JSON documents it was given by URL, refuses
 * every other URL, and counts fetches so a test can see what a cache saved.
 */
export class MemoryFetcher implements RemoteFetcher {
  private readonly documents = new Map<string, { body: unknown; maxAgeSeconds: number | null }>();
  readonly fetched: string[] = [];

  serve(url: string, body: unknown, maxAgeSeconds: number | null = null): this {
    this.documents.set(url, { body, maxAgeSeconds });
    return this;
  }

  forget(url: string): void {
    this.documents.delete(url);
  }

  fetchJson(url: string): Promise<RemoteDocument> {
    this.fetched.push(url);
    const document = this.documents.get(url);
    if (!document) return Promise.reject(new RemoteFetchError('http-status', `${url} answered 404`));
    const bytes = JSON.stringify(document.body);
    return Promise.resolve({
      url,
      body: JSON.parse(bytes) as unknown,
      sha256: createHash('sha256').update(bytes).digest('base64url'),
      maxAgeSeconds: document.maxAgeSeconds,
    });
  }
}
