import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { DEVICE_CODE_GRANT } from '@grantline/lib-events';
import { header, temporarilyUnavailable, type OAuthRequest, type OAuthResponse } from '@grantline/lib-oauth';

const FORWARD_TIMEOUT_MS = 5_000;
const IDLE_SOCKET_MS = 900;
const PASSED_BACK = ['cache-control', 'pragma', 'www-authenticate', 'retry-after', 'dpop-nonce'];

/**
 * Whether a /oauth/token body is a device-code poll. The substring test keeps the parse off
 * the client-credentials and authorization-code paths.
 */
export function isDevicePoll(body: string): boolean {
  return body.includes('device_code') && new URLSearchParams(body).get('grant_type') === DEVICE_CODE_GRANT;
}

/**
 * Passes device-code polls on to the device-polling service, round robin over its replicas
 * (docs/decisions/0015-device-poll-routing.md), over kept-alive node:http connections (the
 * global fetch costs several times the CPU per request). The token service reads and writes no
 * device state; it only relays the request and the answer.
 */
export function devicePollForwarder(upstreams: readonly string[]): (request: OAuthRequest) => Promise<OAuthResponse> {
  // Idle sockets go before a stopping replica's listener does (docs/decisions/0024).
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: IDLE_SOCKET_MS });
  const targets = upstreams.map((upstream) => new URL('/oauth/token', upstream));
  let next = 0;
  return async (request) => {
    if (targets.length === 0) throw temporarilyUnavailable('No device-polling service is configured');
    const answer = await relayToOne(agent, targets, next++, request);
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch (error) {
      throw temporarilyUnavailable('The device-polling service gave no answer', error);
    }
    const headers: Record<string, string> = {};
    for (const name of PASSED_BACK) {
      const value = answer.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    return { status: answer.status, headers, body };
  };
}

/**
 * Relays to the replica whose turn it is, and to the next ones while a replica refuses the
 * connection (stopped, or not started yet): nothing was sent to it, so the poll is not repeated.
 * Any other failure answers 503 at once, since the poll may have been taken (an approved code
 * is exchanged once).
 */
async function relayToOne(agent: Agent, targets: readonly URL[], turn: number, request: OAuthRequest) {
  for (let attempt = 0; ; attempt += 1) {
    const target = targets[(turn + attempt) % targets.length] as URL;
    try {
      return await relay(agent, target, request);
    } catch (error) {
      const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
      if (!refused || attempt + 1 >= targets.length) {
        throw temporarilyUnavailable('The device-polling service is unavailable', error);
      }
    }
  }
}

function relay(
  agent: Agent,
  target: URL,
  request: OAuthRequest,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      target,
      {
        method: 'POST',
        agent,
        headers: { ...forwardedHeaders(request), 'content-length': Buffer.byteLength(request.body) },
        // A slow or dead replica answers 503 within the timeout instead of holding the device.
        timeout: FORWARD_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 502,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('device-polling did not answer in time')));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

function forwardedHeaders(request: OAuthRequest): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': header(request, 'content-type') ?? 'application/x-www-form-urlencoded',
    'x-request-id': request.requestId,
    // The token service is the hop in front of device-polling: it passes the address it saw.
    'x-forwarded-for': request.remoteAddress,
  };
  for (const name of ['authorization', 'dpop', 'origin'] as const) {
    const value = header(request, name);
    if (value !== undefined) headers[name] = value;
  }
  if (request.traceparent) headers.traceparent = request.traceparent;
  return headers;
}
