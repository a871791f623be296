// POSTs over a keep-alive connection pool with one connection per VU, timing each request from the moment
// it is issued until its response body has been read.
import { Agent, request } from 'node:http';

export interface Reply {
  /** 0 when there was no response (connection error or timeout). */
  status: number;
  body: string;
  durationMs: number;
  /** Set when the request was cut off by the caller's signal; such a request is not a measurement. */
  aborted: boolean;
}

export class HttpPool {
  private readonly agent: Agent;
  private readonly hostname: string;
  private readonly port: number;

  constructor(
    origin: string,
    connections: number,
    private readonly timeoutMs: number,
  ) {
    const url = new URL(origin);
    if (url.protocol !== 'http:') throw new Error(`the load driver speaks plain http to loopback only, got ${origin}`);
    this.hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = Number(url.port || 80);
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: connections,
      maxFreeSockets: connections,
      scheduling: 'lifo',
    });
  }

  post(path: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<Reply> {
    const payload = Buffer.from(body);
    const started = performance.now();
    return new Promise((resolvePromise) => {
      let settled = false;
      const finish = (status: number, text: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolvePromise({ status, body: text, durationMs: performance.now() - started, aborted: signal.aborted });
      };
      const req = request(
        {
          agent: this.agent,
          hostname: this.hostname,
          port: this.port,
          path,
          method: 'POST',
          headers: { ...headers, 'content-length': String(payload.length) },
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          res.on('error', () => finish(0, ''));
          res.on('aborted', () => finish(0, ''));
        },
      );
      // Like k6's timeout, this bounds the whole request, not the idle time between packets.
      const timer = setTimeout(() => req.destroy(new Error(`no response within ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('error', () => finish(0, ''));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
