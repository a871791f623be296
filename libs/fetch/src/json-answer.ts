import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { cacheLifetimeSeconds } from './cache-lifetime';
import { RemoteFetchError, type RemoteDocument } from './remote-fetcher';

/**
 * An answer as a fetched document: the status must be 200 (a 3xx is never followed), the body at
 * most `maxBytes` (a larger Content-Length is refused before reading; a body without one is
 * counted as it streams and cut off past the limit) and valid UTF-8 JSON.
 */
export async function jsonDocument(
  url: string,
  response: Dispatcher.ResponseData,
  maxBytes: number,
  nowMs: () => number,
): Promise<RemoteDocument> {
  const bytes = await boundedBody(response, maxBytes);
  return {
    url,
    body: parseJson(bytes),
    sha256: createHash('sha256').update(bytes).digest('base64url'),
    maxAgeSeconds: cacheLifetimeSeconds(
      {
        cacheControl: header(response, 'cache-control'),
        expires: header(response, 'expires'),
        date: header(response, 'date'),
        age: header(response, 'age'),
      },
      nowMs(),
    ),
  };
}

async function boundedBody(response: Dispatcher.ResponseData, maxBytes: number): Promise<Buffer> {
  const { statusCode, body } = response;
  if (statusCode !== 200) {
    discard(body);
    if (statusCode >= 300 && statusCode < 400) {
      throw new RemoteFetchError('redirect', `Answered ${statusCode}: redirects are not followed`);
    }
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

/**
 * The status of an answer whose body nobody reads: the body is drained within `maxBytes` (so the
 * connection can be kept), or dropped past it.
 */
export async function statusOnly(response: Dispatcher.ResponseData, maxBytes: number): Promise<number> {
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      discard(response.body);
      break;
    }
  }
  return response.statusCode;
}

/** Drops an answer's body unread; its connection is closed. */
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
