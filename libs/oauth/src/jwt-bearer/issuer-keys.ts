import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters, type KeyLike } from 'jose';
import { z } from 'zod';
import type { RemoteFetcher } from '@grantline/lib-fetch';
import type { Clock } from '../clock';

type KeySelector = ReturnType<typeof createLocalJWKSet>;

/** A fetched key set is kept as its cache headers say, within these bounds (seconds). */
const MIN_KEEP_SECONDS = 60;
const MAX_KEEP_SECONDS = 60 * 60;
const DEFAULT_KEEP_SECONDS = 5 * 60;
/** An unknown `kid` refetches the set (the issuer rotated), at most this often per issuer. */
const REFETCH_INTERVAL_SECONDS = 30;

const jwkSetSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string() })) });

/** Where an issuer's public keys come from: written in the settings, or at a URL. */
export type KeySource = { jwks: JSONWebKeySet } | { jwksUri: string };

/** Thrown when the issuer's keys cannot be read: not the presenter's fault (503, not invalid_grant). */
export class IssuerKeysUnavailable extends Error {
  override readonly name = 'IssuerKeysUnavailable';
}

interface FetchedSet {
  select: KeySelector;
  fetchedAt: number;
  freshUntil: number;
}

/**
 * One issuer's verification keys in this replica. A key set at a URL is fetched through the
 * guarded fetcher, kept as long as its answer allows (within bounds), and fetched again early,
 * at most every 30 s, when an assertion names a key it lacks. While a refetch fails, the keys
 * already held keep verifying.
 */
export class IssuerKeys {
  private fetched: FetchedSet | undefined;
  private inFlight: Promise<FetchedSet> | undefined;
  private readonly local: KeySelector | undefined;

  constructor(
    private readonly source: KeySource,
    private readonly fetcher: RemoteFetcher,
    private readonly clock: Clock,
  ) {
    this.local = 'jwks' in source ? createLocalJWKSet(source.jwks) : undefined;
  }

  /** The key for an assertion's header; throws jose's `JWKSNoMatchingKey` when the set has none. */
  async keyFor(header: JWTHeaderParameters): Promise<KeyLike | Uint8Array> {
    if (this.local) return this.local(header);
    const now = this.now();
    const held = this.fetched && now < this.fetched.freshUntil ? this.fetched : await this.refresh();
    try {
      return await held.select(header);
    } catch (error) {
      const rotated = error instanceof errors.JWKSNoMatchingKey && now - held.fetchedAt >= REFETCH_INTERVAL_SECONDS;
      if (!rotated) throw error;
      return (await this.refresh()).select(header);
    }
  }

  private now(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  /** One fetch at a time per issuer; concurrent assertions wait for the same answer. */
  private refresh(): Promise<FetchedSet> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<FetchedSet> {
    const uri = (this.source as { jwksUri: string }).jwksUri;
    const now = this.now();
    try {
      const document = await this.fetcher.fetchJson(uri, { accept: 'application/jwk-set+json, application/json' });
      const set = jwkSetSchema.parse(document.body) as JSONWebKeySet;
      const keep = Math.min(
        MAX_KEEP_SECONDS,
        Math.max(MIN_KEEP_SECONDS, document.maxAgeSeconds ?? DEFAULT_KEEP_SECONDS),
      );
      this.fetched = { select: createLocalJWKSet(set), fetchedAt: now, freshUntil: now + keep };
      return this.fetched;
    } catch (cause) {
      if (this.fetched) {
        // Keep the keys held; try again no sooner than an unknown kid would.
        this.fetched = { ...this.fetched, fetchedAt: now, freshUntil: now + REFETCH_INTERVAL_SECONDS };
        return this.fetched;
      }
      throw new IssuerKeysUnavailable(`The keys at ${uri} could not be read`, { cause });
    }
  }
}
