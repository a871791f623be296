import { importJWK, type JWK, type KeyLike } from 'jose';
import { clientJwkSetSchema, type ClientJwkSet } from '@grantline/lib-events';
import type { RemoteFetcher } from '@grantline/lib-fetch';
import type { ClientRecord } from '@grantline/lib-projections';
import { FetchedKeySet, KeySetUnavailable, type KeySetTimings } from '../keys/fetched-key-set';
import { CredentialRefused } from './credential-refused';

/** One public key of a client's set, as registered or fetched. */
export type ClientJwk = ClientJwkSet['keys'][number];

/** How long fetched key sets are kept, how often they may be fetched again, and how many are kept. */
export interface ClientKeyLimits extends KeySetTimings {
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

/**
 * The public keys of `private_key_jwt` clients: the set in the client's record, or the one its
 * `jwks_uri` serves, fetched through the guarded fetcher and kept per replica (see FetchedKeySet).
 * A set that cannot be read refuses the credential (the detail goes to the logs).
 */
export class ClientKeyCache {
  /** Fetched sets by URL, in least-recently-used order. */
  private readonly sets = new Map<string, FetchedKeySet<readonly ClientJwk[]>>();
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
    const set = this.setAt(client.jwksUri);
    try {
      return await set.keysAt(fetcher, nowSeconds, unknownKid);
    } catch (error) {
      if (error instanceof KeySetUnavailable) throw new CredentialRefused(`jwks_uri ${error.reason}`);
      throw error;
    }
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

  /** The set at `url`, made most recently used; the least recently used one beyond the bound is dropped. */
  private setAt(url: string): FetchedKeySet<readonly ClientJwk[]> {
    const set = this.sets.get(url) ?? new FetchedKeySet(url, this.limits, publicKeysIn, this.limits.maxBytes);
    this.sets.delete(url);
    this.sets.set(url, set);
    while (this.sets.size > this.limits.maxEntries) {
      const oldest = this.sets.keys().next().value;
      if (oldest === undefined) break;
      this.sets.delete(oldest);
    }
    return set;
  }
}

function publicKeysIn(document: unknown): readonly ClientJwk[] | null {
  const parsed = clientJwkSetSchema.safeParse(document);
  return parsed.success ? parsed.data.keys : null;
}
