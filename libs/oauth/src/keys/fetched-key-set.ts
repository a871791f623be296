import { RemoteFetchError, type RemoteFetcher } from '@grantline/lib-fetch';

/** How long a fetched key set is kept and how soon it may be fetched again, in seconds. */
export interface KeySetTimings {
  /** Bounds on the lifetime of a fetched set; the answer's cache headers pick within them. */
  minTtlSeconds: number;
  maxTtlSeconds: number;
  /** The lifetime when the answer says nothing about caching. */
  defaultTtlSeconds: number;
  /**
   * The least time between two fetches forced by an unknown `kid`, and how long a failed fetch is
   * remembered before the next try, so neither makes us fetch on every request.
   */
  refetchIntervalSeconds: number;
}

/** The set could not be read, and no earlier copy is held: `reason` is for the logs. */
export class KeySetUnavailable extends Error {
  override readonly name = 'KeySetUnavailable';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** RFC 7517 §8.5 names the key set media type; many servers answer plain JSON. */
const ACCEPT = 'application/jwk-set+json, application/json';

interface Held<K> {
  keys: K;
  fetchedAt: number;
  freshUntil: number;
}

/**
 * One key set published at a URL (a client's `jwks_uri`, a trusted issuer's), read through the
 * guarded fetcher. It is kept as long as its answer allows within the bounds, fetched again early
 * when a signature names a key it lacks (at most once per refetch interval), and fetched once for
 * all the requests that need it at the same moment. A failed fetch keeps the keys already held;
 * with none held it is remembered for the refetch interval and answered as KeySetUnavailable.
 * `parse` turns the document into keys, or null when it is not an acceptable key set.
 */
export class FetchedKeySet<K> {
  private held: Held<K> | undefined;
  private failure: { reason: string; retryAt: number } | undefined;
  private inFlight: Promise<Held<K>> | undefined;

  constructor(
    readonly url: string,
    private readonly timings: KeySetTimings,
    private readonly parse: (document: unknown) => K | null,
    private readonly maxBytes?: number,
  ) {}

  /** The keys at `nowSeconds`; with `unknownKid`, a copy older than the refetch interval is fetched again first. */
  async keysAt(fetcher: RemoteFetcher, nowSeconds: number, unknownKid = false): Promise<K> {
    const { held, failure } = this;
    if (failure && nowSeconds < failure.retryAt) {
      if (held) return held.keys;
      throw new KeySetUnavailable(failure.reason);
    }
    const stale =
      !held ||
      nowSeconds >= held.freshUntil ||
      (unknownKid && nowSeconds - held.fetchedAt >= this.timings.refetchIntervalSeconds);
    return (stale ? await this.fetchOnce(fetcher, nowSeconds) : held).keys;
  }

  private fetchOnce(fetcher: RemoteFetcher, nowSeconds: number): Promise<Held<K>> {
    this.inFlight ??= this.fetch(fetcher, nowSeconds).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(fetcher: RemoteFetcher, nowSeconds: number): Promise<Held<K>> {
    let reason: string;
    try {
      const document = await fetcher.fetchJson(this.url, {
        accept: ACCEPT,
        ...(this.maxBytes === undefined ? {} : { maxBytes: this.maxBytes }),
      });
      const keys = this.parse(document.body);
      if (keys !== null) {
        const { minTtlSeconds, maxTtlSeconds, defaultTtlSeconds } = this.timings;
        const ttl = Math.min(maxTtlSeconds, Math.max(minTtlSeconds, document.maxAgeSeconds ?? defaultTtlSeconds));
        this.held = { keys, fetchedAt: nowSeconds, freshUntil: nowSeconds + ttl };
        this.failure = undefined;
        return this.held;
      }
      reason = `${this.url} is not a public key set`;
    } catch (error) {
      if (!(error instanceof RemoteFetchError)) throw error;
      reason = `${this.url}: ${error.reason}`;
    }
    this.failure = { reason, retryAt: nowSeconds + this.timings.refetchIntervalSeconds };
    if (this.held) return this.held;
    throw new KeySetUnavailable(reason);
  }
}
