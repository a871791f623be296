import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters, type KeyLike } from 'jose';
import { z } from 'zod';
import type { RemoteFetcher } from '@grantline/lib-fetch';
import { epochSeconds, type Clock } from '../clock';
import { FetchedKeySet, KeySetUnavailable, type KeySetTimings } from '../keys/fetched-key-set';

type KeySelector = ReturnType<typeof createLocalJWKSet>;

/** A fetched issuer key set is kept as its cache headers say, within these bounds; an unknown `kid` refetches it at most every 30 s. */
const ISSUER_KEY_TIMINGS: KeySetTimings = {
  minTtlSeconds: 60,
  maxTtlSeconds: 60 * 60,
  defaultTtlSeconds: 5 * 60,
  refetchIntervalSeconds: 30,
};

const jwkSetSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

/** Where an issuer's public keys come from: written in the settings, or at a URL. */
export type KeySource = { jwks: JSONWebKeySet } | { jwksUri: string };

/** Thrown when the issuer's keys cannot be read: not the presenter's fault (503, not invalid_grant). */
export class IssuerKeysUnavailable extends Error {
  override readonly name = 'IssuerKeysUnavailable';
}

/**
 * One issuer's verification keys in this replica: the set written in the settings, or the one
 * its URL serves, read through FetchedKeySet (kept within bounds, refetched when an assertion
 * names a key it lacks, old keys kept while a refetch fails).
 */
export class IssuerKeys {
  private readonly local: KeySelector | undefined;
  private readonly fetched: FetchedKeySet<KeySelector> | undefined;

  constructor(
    source: KeySource,
    private readonly fetcher: RemoteFetcher,
    private readonly clock: Clock,
  ) {
    if ('jwks' in source) this.local = createLocalJWKSet(source.jwks);
    else this.fetched = new FetchedKeySet(source.jwksUri, ISSUER_KEY_TIMINGS, selectorOf);
  }

  /** The key for an assertion's header; throws jose's `JWKSNoMatchingKey` when the set has none. */
  async keyFor(header: JWTHeaderParameters): Promise<KeyLike | Uint8Array> {
    if (this.local) return this.local(header);
    const set = this.fetched as FetchedKeySet<KeySelector>;
    const now = epochSeconds(this.clock);
    try {
      return await (
        await this.keysAt(set, now, false)
      )(header);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // The issuer may have rotated: fetch again (no sooner than the refetch interval) and retry once.
      return (await this.keysAt(set, now, true))(header);
    }
  }

  private async keysAt(set: FetchedKeySet<KeySelector>, now: number, unknownKid: boolean): Promise<KeySelector> {
    try {
      return await set.keysAt(this.fetcher, now, unknownKid);
    } catch (error) {
      if (error instanceof KeySetUnavailable) {
        throw new IssuerKeysUnavailable(`The keys at ${set.url} could not be read`, { cause: error });
      }
      throw error;
    }
  }
}

function selectorOf(document: unknown): KeySelector | null {
  const parsed = jwkSetSchema.safeParse(document);
  return parsed.success ? createLocalJWKSet(parsed.data as JSONWebKeySet) : null;
}
