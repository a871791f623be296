import { importJWK, type JWK, type KeyLike } from 'jose';
import { clientJwkSetSchema, type ClientJwkSet } from '@grantline/lib-events';
import { RemoteFetchError, type RemoteFetcher } from '@grantline/lib-fetch';
import type { ClientRecord } from '@grantline/lib-projections';
import { CredentialRefused } from './credential-refused';

/** One public key of a client's set, as registered or fetched. */
export type ClientJwk = ClientJwkSet['keys'][number];

/** How long fetched key sets are kept, how often they may be fetched again, and how many are kept. */
export interface ClientKeyLimits {
  /** Bounds on the lifetime of a fetched set; the answer's cache headers pick within them. */
  minTtlSeconds: number;
  maxTtlSeconds: number;
  /** The lifetime when the answer says nothing about caching. */
  defaultTtlSeconds: number;
  /** An assertion naming an unknown `kid` makes us fetch again at most this often per URL. */
  refetchIntervalSeconds: number;
  /** Key sets kept at once; the least recently used goes first. */
  maxEntries: number;
  /** A key set document is small; this bounds what the fetcher reads. */
  maxBytes: number;
}

export const DEFAULT_CLIENT_KEY_LIMITS: ClientKeyLimits = {
  minTtlSeconds: 60,
  maxTtlSeconds: 3600,
  defaultTtlSeconds: 300,
  refetchIntervalSeconds: 60,
  maxEntries: 1000,
  maxBytes: 64 * 1024,
};

/** RFC 7517 §8.5 names the key set media type; many servers answer plain JSON. */
const ACCEPT = 'application/jwk-set+json, application/json';

interface CachedSet {
  keys: readonly ClientJwk[];
  /** Why the last fetch failed: kept for the refetch interval, so failures do not make us fetch on every request. */
  failure?: string;
  fetchedAt: number;
  expiresAt: number;
}

/**
 * The public keys of `private_key_jwt` clients: the set in the client's record, or the one its
 * `jwks_uri` serves, fetched through the guarded fetcher and kept per replica. A refused or
 * failed fetch refuses the credential (the detail goes to the logs).
 */
export class ClientKeyCache {
  private readonly sets = new Map<string, CachedSet>();
  private readonly inFlight = new Map<string, Promise<CachedSet>>();
  /** Imported keys by algorithm and JWK: importing costs about twice a verification. */
  private readonly imported = new Map<string, Promise<KeyLike | Uint8Array>>();

  constructor(private readonly limits: ClientKeyLimits = DEFAULT_CLIENT_KEY_LIMITS) {}

  /**
   * The client's keys at `nowSeconds`. With `unknownKid`, a cached fetched set that is older
   * than the refetch interval is fetched again first (the client may have rotated its keys).
   */
  async keysOf(
    client: ClientRecord,
    fetcher: RemoteFetcher,
    nowSeconds: number,
    unknownKid = false,
  ): Promise<readonly ClientJwk[]> {
    if (client.jwks !== null) return client.jwks.keys;
    if (client.jwksUri === null) throw new CredentialRefused('the client has no keys');
    const url = client.jwksUri;
    const cached = this.sets.get(url);
    const stale =
      !cached ||
      nowSeconds >= cached.expiresAt ||
      (unknownKid && nowSeconds - cached.fetchedAt >= this.limits.refetchIntervalSeconds);
    const current = cached && !stale ? cached : await this.fetchOnce(url, fetcher, nowSeconds);
    this.touch(url, current);
    if (current.failure !== undefined) throw new CredentialRefused(current.failure);
    return current.keys;
  }

  /** The key to verify `alg` signatures with; throws what jose throws for a key it cannot use. */
  importKey(jwk: ClientJwk, alg: string): Promise<KeyLike | Uint8Array> {
    const id = `${alg} ${JSON.stringify(jwk)}`;
    const cached = this.imported.get(id);
    if (cached) return cached;
    const importing = importJWK(jwk as JWK, alg);
    // A key that failed to import is not kept: the failure is the client's, and cheap to repeat.
    importing.catch(() => this.imported.delete(id));
    this.imported.set(id, importing);
    if (this.imported.size > this.limits.maxEntries) {
      const oldest = this.imported.keys().next().value;
      if (oldest !== undefined) this.imported.delete(oldest);
    }
    return importing;
  }

  /** Concurrent requests for one URL share one fetch. */
  private fetchOnce(url: string, fetcher: RemoteFetcher, nowSeconds: number): Promise<CachedSet> {
    const pending = this.inFlight.get(url);
    if (pending) return pending;
    const fetching = this.fetch(url, fetcher, nowSeconds).finally(() => this.inFlight.delete(url));
    this.inFlight.set(url, fetching);
    return fetching;
  }

  private async fetch(url: string, fetcher: RemoteFetcher, nowSeconds: number): Promise<CachedSet> {
    const failed = (failure: string): CachedSet => ({
      keys: [],
      failure,
      fetchedAt: nowSeconds,
      expiresAt: nowSeconds + this.limits.refetchIntervalSeconds,
    });
    let document;
    try {
      document = await fetcher.fetchJson(url, { accept: ACCEPT, maxBytes: this.limits.maxBytes });
    } catch (error) {
      if (error instanceof RemoteFetchError) return failed(`jwks_uri ${url}: ${error.reason}`);
      throw error;
    }
    const parsed = clientJwkSetSchema.safeParse(document.body);
    if (!parsed.success) return failed(`jwks_uri ${url} is not a public key set`);
    const { minTtlSeconds, maxTtlSeconds, defaultTtlSeconds } = this.limits;
    const ttl = Math.min(maxTtlSeconds, Math.max(minTtlSeconds, document.maxAgeSeconds ?? defaultTtlSeconds));
    return { keys: parsed.data.keys, fetchedAt: nowSeconds, expiresAt: nowSeconds + ttl };
  }

  /** Keeps the map in least-recently-used order and within its bound. */
  private touch(url: string, entry: CachedSet): void {
    this.sets.delete(url);
    this.sets.set(url, entry);
    while (this.sets.size > this.limits.maxEntries) {
      const oldest = this.sets.keys().next().value;
      if (oldest === undefined) break;
      this.sets.delete(oldest);
    }
  }
}
