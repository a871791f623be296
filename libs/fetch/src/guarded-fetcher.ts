import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { hostAllowList } from './allowed-hosts';
import { ConnectionGuard, systemResolver, type Resolver } from './connection-guard';
import { jsonDocument, statusOnly } from './json-answer';
import {
  RemoteFetchError,
  type RemoteAnswer,
  type RemoteDocument,
  type RemoteFetcher,
  type RemoteFetchFailure,
  type RemoteFetchOptions,
} from './remote-fetcher';
import { checkedUrl, type UrlPolicy } from './url-policy';

export interface GuardedFetcherSettings {
  /** Hosts reachable at any address, for tests and development (see `hostAllowList`). */
  allowedHosts: readonly string[];
  /** PEM certificates trusted besides Node's bundled roots (a test CA). */
  extraCaCertificates?: string | undefined;
  /** Plain http to allowed hosts; never to any other host. */
  allowHttpForAllowedHosts: boolean;
  /** The whole fetch — resolving, connecting, headers and body — must finish within this. */
  timeoutMs: number;
  /** Bodies above this many bytes are refused. */
  maxBytes: number;
  /** How names are resolved; the system resolver unless a test stands in for DNS. */
  resolver?: Resolver;
  /** Told the outcome of every fetch: `ok` or why it failed (for metrics). */
  onOutcome?: (outcome: 'ok' | RemoteFetchFailure) => void;
  now?: () => number;
}

export interface GuardedFetcher extends RemoteFetcher {
  /** Closes kept-alive connections. */
  close(): Promise<void>;
}

/**
 * The fetcher for every URL Grantline fetches on a client's word: https only, public addresses
 * only (checked on the answer every connection resolves and on the address it reached), no
 * redirects, a 200 with a JSON body within size and time limits (docs/decisions/0040). Form
 * POSTs (back-channel logout, 0049) go under the same guards and answer their status.
 */
export function createGuardedFetcher(settings: GuardedFetcherSettings): GuardedFetcher {
  const allowed = hostAllowList(settings.allowedHosts);
  const urls: UrlPolicy = { allowed, allowHttpForAllowedHosts: settings.allowHttpForAllowedHosts };
  const guard = new ConnectionGuard(allowed, settings.resolver ?? systemResolver);
  const extraCa = settings.extraCaCertificates;
  const agent = new Agent({
    connect: guard.connector({
      timeout: settings.timeoutMs,
      ...(extraCa === undefined ? {} : { ca: [...rootCertificates, extraCa] }),
    }),
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    keepAliveTimeout: 4_000,
    connections: 16,
  });
  const now = settings.now ?? Date.now;

  /** One guarded request: the URL and the addresses checked, the whole of it within the timeout. */
  async function guardedRequest<T>(
    text: string,
    request: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
    answer: (response: Dispatcher.ResponseData) => Promise<T>,
  ): Promise<T> {
    const url = checkedUrl(text, urls);
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new RemoteFetchError('timeout', `No complete answer within ${settings.timeoutMs} ms`)),
      settings.timeoutMs,
    );
    try {
      // Refused early, before any socket; the connection checks again what it resolves itself.
      await beforeDeadline(guard.addressesOf(url.hostname), deadline.signal);
      // undici honours an abort only once a connection is made; the deadline does not wait for that.
      const response = await beforeDeadline(
        agent.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: { ...request.headers, 'user-agent': 'Grantline' },
          ...(request.body === undefined ? {} : { body: request.body }),
          signal: deadline.signal,
        }),
        deadline.signal,
      );
      return await beforeDeadline(answer(response), deadline.signal);
    } catch (error) {
      throw asFetchError(deadline.signal.aborted ? deadline.signal.reason : error);
    } finally {
      clearTimeout(timer);
    }
  }

  function fetchJson(text: string, options: RemoteFetchOptions): Promise<RemoteDocument> {
    const maxBytes = Math.min(settings.maxBytes, positiveInteger(options.maxBytes) ?? settings.maxBytes);
    const headers = { accept: options.accept ?? 'application/json' };
    return guardedRequest(text, { method: 'GET', headers }, (response) => jsonDocument(text, response, maxBytes, now));
  }

  async function postForm(text: string, form: Readonly<Record<string, string>>): Promise<RemoteAnswer> {
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = new URLSearchParams(form).toString();
    const status = await guardedRequest(text, { method: 'POST', headers, body }, (response) =>
      statusOnly(response, settings.maxBytes),
    );
    return { status };
  }

  /** Runs a fetch and tells `onOutcome` how it went. */
  async function observed<T>(work: () => Promise<T>): Promise<T> {
    try {
      const result = await work();
      settings.onOutcome?.('ok');
      return result;
    } catch (error) {
      const failure = asFetchError(error);
      settings.onOutcome?.(failure.reason);
      throw failure;
    }
  }

  return {
    fetchJson: (url, options = {}) => observed(() => fetchJson(url, options)),
    postForm: (url, form) => observed(() => postForm(url, form)),
    close: () => agent.close(),
  };
}

function positiveInteger(value: number | undefined): number | undefined {
  return value !== undefined && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** `work`, unless the deadline passes first (what cannot be cancelled at once is left behind to end). */
function beforeDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  ]);
}

/** The fetch error in `error` or its causes; anything else failed on the network. */
function asFetchError(error: unknown): RemoteFetchError {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause instanceof RemoteFetchError) return cause;
  }
  return new RemoteFetchError('network', 'The fetch failed', { cause: error });
}
