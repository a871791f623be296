import { DEVICE_CODE_GRANT } from '@grantline/lib-events';
import { header, temporarilyUnavailable, type OAuthRequest, type OAuthResponse } from '@grantline/lib-oauth';

const FORWARD_TIMEOUT_MS = 5_000;
const PASSED_BACK = ['cache-control', 'pragma', 'www-authenticate', 'retry-after'];

/**
 * Whether a /oauth/token body is a device-code poll. The substring test keeps the parse off
 * the client-credentials and authorization-code paths.
 */
export function isDevicePoll(body: string): boolean {
  return body.includes('device_code') && new URLSearchParams(body).get('grant_type') === DEVICE_CODE_GRANT;
}

/**
 * Passes device-code polls on to the device-polling service, round robin over its replicas
 * (docs/decisions/0015-device-poll-routing.md). The token service reads and writes no device
 * state; it only relays the request and the answer.
 */
export function devicePollForwarder(upstreams: readonly string[]): (request: OAuthRequest) => Promise<OAuthResponse> {
  let next = 0;
  return async (request) => {
    const upstream = upstreams[next++ % upstreams.length];
    let response: Response;
    try {
      // A slow or dead replica answers 503 within the timeout instead of holding the device.
      response = await fetch(`${upstream}/oauth/token`, {
        method: 'POST',
        headers: forwardedHeaders(request),
        body: request.body,
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
    } catch (error) {
      throw temporarilyUnavailable('The device-polling service is unavailable', error);
    }
    const headers: Record<string, string> = {};
    for (const name of PASSED_BACK) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw temporarilyUnavailable('The device-polling service gave no answer', error);
    }
    return { status: response.status, headers, body };
  };
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
