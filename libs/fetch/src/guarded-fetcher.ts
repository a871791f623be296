import { createHash } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { hostAllowList } from './allowed-hosts';
import { cacheLifetimeSeconds } from './cache-lifetime';
import { ConnectionGuard, systemResolver, type Resolver } from './connection-guard';
import { RemoteFetchError, type RemoteDocument, type RemoteFetcher, type RemoteFetchFailure } from './remote-fetcher';
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
 * redirects, a 200 with a JSON body within size and time limits (docs/decisions/0040).
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

  async function fetchJson(
    text: string,
    options: { accept?: string; maxBytes?: number } = {},
  ): Promise<RemoteDocument> {
    const url = checkedUrl(text, urls);
    await guard.addressesOf(url.hostname);
    const maxBytes = Math.min(settings.maxBytes, options.maxBytes ?? settings.maxBytes);
    const deadline = new AbortController();
    const timer = setTimeout(
      () => deadline.abort(new RemoteFetchError('timeout', `No complete answer within ${settings.timeoutMs} ms`)),
      settings.timeoutMs,
    );
    try {
      const response = await agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept: options.accept ?? 'application/json', 'user-agent': 'Grantline' },
        signal: deadline.signal,
      });
      const bytes = await readBody(response, maxBytes);
      return {
        url: text,
        body: parseJson(bytes),
        sha256: createHash('sha256').update(bytes).digest('base64url'),
        maxAgeSeconds: cacheLifetimeSeconds(
          {
            cacheControl: header(response, 'cache-control'),
            expires: header(response, 'expires'),
            date: header(response, 'date'),
            age: header(response, 'age'),
          },
          now(),
        ),
      };
    } catch (error) {
      throw asFetchError(deadline.signal.aborted ? deadline.signal.reason : error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async fetchJson(url, options) {
      try {
        const document = await fetchJson(url, options);
        settings.onOutcome?.('ok');
        return document;
      } catch (error) {
        const failure = asFetchError(error);
        settings.onOutcome?.(failure.reason);
        throw failure;
      }
    },
    close: () => agent.close(),
  };
}

/** The status must be 200 (a 3xx is never followed) and the body at most `maxBytes`. */
async function readBody(response: Dispatcher.ResponseData, maxBytes: number): Promise<Buffer> {
  const { statusCode, body } = response;
  if (statusCode !== 200) {
    discard(body);
    if (statusCode >= 300 && statusCode < 400)
      throw new RemoteFetchError('redirect', `Answered ${statusCode}: redirects are not followed`);
    throw new RemoteFetchError('http-status', `Answered ${statusCode}`);
  }
  const declared = Number(header(response, 'content-length') ?? '0');
  if (declared > maxBytes) {
    discard(body);
    throw new RemoteFetchError('too-large', `Content-Length ${declared} is above the limit of ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      discard(body);
      throw new RemoteFetchError('too-large', `The body is above the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Drops an answer's body unread; its connection closes. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    throw new RemoteFetchError('not-json', 'The body is not JSON', { cause: error });
  }
}

function header(response: Dispatcher.ResponseData, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The fetch error in `error` or its causes; anything else failed on the network. */
function asFetchError(error: unknown): RemoteFetchError {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause instanceof RemoteFetchError) return cause;
  }
  return new RemoteFetchError('network', 'The fetch failed', { cause: error });
}
