/**
 * The one way Grantline fetches a URL it was given by a client or an operator: a client's
 * `jwks_uri`, a client ID metadata document, a trusted issuer's keys. Every such fetch goes
 * through an implementation of this port, which decides what may be reached.
 */
export interface RemoteFetcher {
  /** GETs `url` and parses its body as JSON; throws `RemoteFetchError` for anything refused or failed. */
  fetchJson(url: string, options?: RemoteFetchOptions): Promise<RemoteDocument>;
  /**
   * POSTs `form` as application/x-www-form-urlencoded to `url` under the same guards, and
   * answers the status (any status: the caller decides what counts); the body is read within the
   * size limit and dropped. Throws `RemoteFetchError` when refused, or when no answer came.
   */
  postForm(url: string, form: Readonly<Record<string, string>>): Promise<RemoteAnswer>;
}

/** What a POST was answered. */
export interface RemoteAnswer {
  status: number;
}

export interface RemoteFetchOptions {
  /** The `Accept` header; `application/json` when absent. */
  accept?: string;
  /** A smaller body limit than the fetcher's own, for documents known to be small. */
  maxBytes?: number;
}

/** A fetched JSON document and what its answer said about keeping it. */
export interface RemoteDocument {
  url: string;
  body: unknown;
  /** SHA-256 of the body's bytes, base64url: names exactly which document was used. */
  sha256: string;
  /** Seconds the answer's cache headers allow keeping it; null when they say nothing, 0 for `no-store`. */
  maxAgeSeconds: number | null;
}

/** Why a fetch was refused or failed; the reason is for logs and metrics, never for the client. */
export type RemoteFetchFailure =
  | 'disabled'
  | 'refused-url'
  | 'refused-address'
  | 'redirect'
  | 'timeout'
  | 'too-large'
  | 'http-status'
  | 'not-json'
  | 'network';

export class RemoteFetchError extends Error {
  override readonly name = 'RemoteFetchError';

  constructor(
    readonly reason: RemoteFetchFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A fetcher that refuses every URL: for a server configured to fetch nothing. */
export const refusingFetcher: RemoteFetcher = {
  fetchJson(url) {
    return Promise.reject(new RemoteFetchError('disabled', `Fetching ${url} is not allowed: no fetcher is configured`));
  },
  postForm(url) {
    return Promise.reject(
      new RemoteFetchError('disabled', `Posting to ${url} is not allowed: no fetcher is configured`),
    );
  },
};
