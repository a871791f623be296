import type { LookupAddress } from 'node:dns';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request handler for a test server that answers the way an attacker's server would, by path. */
export interface HostileAnswers {
  (request: IncomingMessage, response: ServerResponse): void;
  /** Ends the bodies still dripping. */
  stop(): void;
}

/**
 * Paths: `/doc.json` (the document, `max-age=300`), `/headers` (the request's headers as JSON),
 * `/redirect-internal` (302 to the cloud metadata service), `/redirect-same` (301 to `/doc.json`),
 * `/not-found` (404), `/html`, `/huge` (four times `maxBytes`), `/declares-huge` (a 1 GiB
 * Content-Length and no body), `/declares-little` (Content-Length 2, then far more bytes),
 * `/slow-drip` (a byte every 100 ms, never ending), `/no-headers` (never answers), `/form` (204 to
 * a form POST with a `logout_token`, 400 to anything else).
 */
export function hostileAnswers(options: { document: unknown; maxBytes: number; origin: () => string }): HostileAnswers {
  const drips = new Set<NodeJS.Timeout>();
  const json = { 'content-type': 'application/json' };
  const answer = (request: IncomingMessage, response: ServerResponse): void => {
    switch (new URL(request.url ?? '/', 'https://x').pathname) {
      case '/headers':
        response.writeHead(200, json);
        return void response.end(JSON.stringify(request.headers));
      case '/doc.json':
        response.writeHead(200, { ...json, 'cache-control': 'public, max-age=300' });
        return void response.end(JSON.stringify(options.document));
      case '/redirect-internal':
        response.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data/' });
        return void response.end();
      case '/redirect-same':
        response.writeHead(301, { location: `${options.origin()}/doc.json` });
        return void response.end();
      case '/not-found':
        response.writeHead(404, json);
        return void response.end('{}');
      case '/html':
        response.writeHead(200, { 'content-type': 'text/html' });
        return void response.end('<html><body>hello</body></html>');
      case '/huge':
        response.writeHead(200, json);
        return void response.end(JSON.stringify({ padding: 'x'.repeat(options.maxBytes * 4) }));
      case '/declares-huge':
        // A body far above the limit declared and none sent: refused on the header, not by the clock.
        response.writeHead(200, { ...json, 'content-length': String(1024 * 1024 * 1024) });
        return void response.flushHeaders();
      case '/declares-little':
        // Two bytes declared and far more sent: what follows the declared body is not read as it.
        response.writeHead(200, { ...json, 'content-length': '2' });
        return void response.end(`{}${'x'.repeat(options.maxBytes * 4)}`);
      case '/slow-drip': {
        // A byte every 100 ms of a body that never ends: each read is quick, the whole is not.
        response.writeHead(200, json);
        response.write('{"a":"');
        const drip = setInterval(() => response.write('x'), 100);
        drips.add(drip);
        response.on('close', () => (clearInterval(drip), drips.delete(drip)));
        return;
      }
      case '/no-headers':
        return;
      case '/form': {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
          const posted =
            request.method === 'POST' &&
            request.headers['content-type'] === 'application/x-www-form-urlencoded' &&
            form.get('logout_token') === 'a.b.c';
          response.writeHead(posted ? 204 : 400);
          response.end();
        });
        return;
      }
      default:
        response.writeHead(500);
        response.end();
    }
  };
  return Object.assign(answer, {
    stop: () => {
      for (const drip of drips) clearInterval(drip);
      drips.clear();
    },
  });
}

/** A resolver standing in for DNS: each name gives its answers in turn, the last one ever after; it records every query. */
export function fakeDns(
  names: Record<string, string[][]>,
): ((hostname: string) => Promise<LookupAddress[]>) & { queries: string[] } {
  const queries: string[] = [];
  const resolver = async (hostname: string): Promise<LookupAddress[]> => {
    queries.push(hostname);
    const answers = names[hostname];
    if (answers === undefined) throw Object.assign(new Error(`queryA ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    const seen = queries.filter((name) => name === hostname).length;
    const addresses = answers[Math.min(seen, answers.length) - 1] ?? [];
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { queries });
}
