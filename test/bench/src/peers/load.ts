import autocannon from 'autocannon';
import { percentile } from '../scenario';
import type { PreparedRequest } from './oauth-calls';

export interface LoadResult {
  requestsPerSecond: number;
  ok2xx: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  transportErrors: number;
  /** 2xx introspection answers that did not say "active":true. */
  inactive: number;
  p50: number;
  p90: number;
  p99: number;
}

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** One body, or several sent in turn (one after another across all connections). */
  bodies: string[];
  seconds: number;
  connections: number;
  /** Counts 2xx answers without "active":true. */
  expectActive: boolean;
}

const ACTIVE = /"active"\s*:\s*true/;

/** POSTs the bodies for a fixed time with autocannon and ranks every response time. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.url);
  const latencies: number[] = [];
  let inactive = 0;
  let next = 0;
  const { bodies } = options;
  const onResponse = options.expectActive
    ? (status: number, body: string) => {
        if (status >= 200 && status < 300 && !ACTIVE.test(body)) inactive += 1;
      }
    : undefined;
  const request: autocannon.Request = {
    method: 'POST',
    path: url.pathname + url.search,
    headers: options.headers,
    body: bodies[0] ?? '',
    ...(bodies.length > 1
      ? {
          setupRequest: (req: autocannon.Request) => {
            req.body = bodies[next] ?? '';
            next = (next + 1) % bodies.length;
            return req;
          },
        }
      : {}),
    ...(onResponse ? { onResponse } : {}),
  };
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: url.origin,
        requests: [request],
        connections: options.connections,
        duration: options.seconds,
        timeout: 10,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        latencies.sort((a, b) => a - b);
        resolve({
          requestsPerSecond: result['2xx'] / options.seconds,
          ok2xx: result['2xx'],
          non2xx: result.non2xx,
          transportErrors: result.errors,
          inactive,
          p50: percentile(latencies, 50),
          p90: percentile(latencies, 90),
          p99: percentile(latencies, 99),
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

export function loadOptions(
  request: PreparedRequest,
  more: { bodies?: string[]; seconds: number; connections: number; expectActive: boolean },
): LoadOptions {
  return {
    url: request.url,
    headers: request.headers,
    bodies: more.bodies ?? [request.body],
    seconds: more.seconds,
    connections: more.connections,
    expectActive: more.expectActive,
  };
}
