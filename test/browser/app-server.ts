import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a page or script of a test application is served as. */
export interface StaticFile {
  contentType: string;
  body: string | Buffer;
}

export interface AppServerOptions {
  /** Forwards requests under these path prefixes (e.g. `/oauth/`) to `target`, like a development proxy. */
  proxy?: { target: string; prefixes: string[] };
}

export interface AppServer {
  url: string;
  port: number;
  /** Serves `file` at the exact path `path` (any query string). Registered paths win over proxy prefixes. */
  serve(path: string, file: StaticFile): void;
  close(): Promise<void>;
}

const MAX_PROXIED_BODY_BYTES = 1024 * 1024;
const UPSTREAM_TIMEOUT_MS = 15_000;
const MAX_CONNECTIONS = 64;

// Hop-by-hop headers (RFC 9110, section 7.6.1) belong to one connection and are not forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const result: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !listed.has(name)) result[name] = value;
  }
  return result;
}

/**
 * A small HTTP server on 127.0.0.1 (a free port) for the pages and scripts of a browser test, with an
 * optional reverse proxy to the authorization server. Bounded: few connections, short timeouts and a
 * size limit on proxied request bodies.
 */
export async function startAppServer(options: AppServerOptions = {}): Promise<AppServer> {
  const files = new Map<string, StaticFile>();
  const proxy = options.proxy;
  const target = proxy ? new URL(proxy.target) : undefined;
  if (target && target.protocol !== 'http:') throw new Error(`the app server proxies to http only, not ${target.href}`);
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    const file = files.get(url.pathname);
    if (file) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
        return;
      }
      res.writeHead(200, {
        'content-type': file.contentType,
        'content-length': Buffer.byteLength(file.body),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }
    if (target && proxy?.prefixes.some((prefix) => url.pathname.startsWith(prefix))) {
      forward(req, res, target);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.requestTimeout = UPSTREAM_TIMEOUT_MS + 5_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    serve: (path, file) => {
      files.set(path, file);
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

function forward(req: IncomingMessage, res: ServerResponse, target: URL): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_PROXIED_BODY_BYTES) {
    res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('request body too large\n');
    req.resume();
    return;
  }
  const upstream = httpRequest(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...forwardable(req.headers), host: target.host },
      timeout: UPSTREAM_TIMEOUT_MS,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.pipe(res);
    },
  );
  const fail = (status: number, message: string) => {
    if (!res.headersSent) res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' });
    res.end(`${message}\n`);
    upstream.destroy();
  };
  upstream.on('timeout', () => fail(504, 'the authorization server did not answer in time'));
  upstream.on('error', (error) => fail(502, `proxy error: ${error.message}`));

  let received = 0;
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_PROXIED_BODY_BYTES) {
      req.unpipe(upstream);
      fail(413, 'request body too large');
    }
  });
  req.pipe(upstream);
}
