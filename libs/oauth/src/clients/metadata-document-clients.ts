import { RemoteFetchError, type RemoteFetcher } from '@grantline/lib-fetch';
import type { CachedClientDocument, ClientDocumentCache } from '@grantline/lib-projections';
import { epochSeconds, type Clock } from '../clock';
import type { ClientDirectory, DirectoryClient } from './client-directory';
import { clientIdUrlRefusal, isClientIdUrl } from './client-id-url';
import { clientFromMetadataDocument, type MetadataDocumentPolicy } from './metadata-document';

/** How long fetched documents are kept, in seconds. */
export interface MetadataDocumentCaching {
  /** Bounds on what an answer's cache headers may ask for. */
  minSeconds: number;
  maxSeconds: number;
  /** For an answer whose headers say nothing. */
  defaultSeconds: number;
  /** How long a failed fetch is remembered. */
  failureSeconds: number;
}

export interface MetadataDocumentClientsOptions extends MetadataDocumentPolicy {
  caching: MetadataDocumentCaching;
  /** Documents are small (draft §8.7 suggests 5 KB); an embedded key set needs a little more. */
  maxBytes?: number;
}

/** Read on every call, so a test may swap the fetcher after wiring. */
type Sources = { fetcher: RemoteFetcher; clock: Clock };

/**
 * Clients that name themselves by the https URL of their metadata document, composed with the
 * registered ones: a URL id is resolved through its document (fetched through the guarded
 * fetcher and kept in the shared cache), every other id by `registered`.
 */
export function metadataDocumentClients(
  registered: ClientDirectory,
  sources: Sources,
  cache: ClientDocumentCache,
  options: MetadataDocumentClientsOptions,
): ClientDirectory {
  /** Fetches in flight on this replica: concurrent requests for one id share one fetch. */
  const inFlight = new Map<string, Promise<CachedClientDocument>>();

  async function fetchAndKeep(url: string): Promise<CachedClientDocument> {
    const { caching } = options;
    const fetchedAt = epochSeconds(sources.clock);
    let entry: CachedClientDocument;
    let ttl: number;
    try {
      const document = await sources.fetcher.fetchJson(url, { maxBytes: options.maxBytes ?? 16 * 1024 });
      entry = { kind: 'document', json: JSON.stringify(document.body), sha256: document.sha256, fetchedAt };
      ttl = keptSeconds(document.maxAgeSeconds, caching);
    } catch (error) {
      if (!(error instanceof RemoteFetchError)) throw error;
      entry = { kind: 'failed', fetchedAt };
      ttl = caching.failureSeconds;
    }
    await cache.put(url, entry, ttl);
    return entry;
  }

  function documentOf(url: string): Promise<CachedClientDocument> {
    const pending = inFlight.get(url);
    if (pending) return pending;
    const started = fetchAndKeep(url).finally(() => inFlight.delete(url));
    inFlight.set(url, started);
    return started;
  }

  return {
    async find(clientId: string): Promise<DirectoryClient | null> {
      if (!isClientIdUrl(clientId)) return registered.find(clientId);
      if (clientIdUrlRefusal(clientId) !== null) return null;
      const entry = (await cache.get(clientId)) ?? (await documentOf(clientId));
      if (entry.kind === 'failed') return null;
      const checked = clientFromMetadataDocument(clientId, JSON.parse(entry.json) as unknown, entry, options);
      return checked.ok ? { ...checked.client, metadataDocument: checked.origin } : null;
    },
  };
}

/** The answer's lifetime within the bounds; the default when its headers said nothing. */
export function keptSeconds(maxAgeSeconds: number | null, caching: MetadataDocumentCaching): number {
  const asked = maxAgeSeconds ?? caching.defaultSeconds;
  return Math.min(caching.maxSeconds, Math.max(caching.minSeconds, asked));
}
