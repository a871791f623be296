import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import proxyaddr from 'proxy-addr';
import {
  errorResponse,
  failedDependency,
  OAuthError,
  RawBody,
  toOAuthError,
  type OAuthRequest,
  type OAuthResponse,
} from '@grantline/lib-oauth';
import type { GrantlineMetrics, Tracing } from '@grantline/lib-telemetry';
import { BodyTooLargeError, readBody, requestIdOf, type Logger } from '@grantline/lib-http';

export const BODY_LIMIT_BYTES = 16 * 1024;

export type OAuthHandler = (request: OAuthRequest) => Promise<OAuthResponse>;

/** An OAuth endpoint, served without any framework in front of it. */
export interface OAuthEndpoint {
  path: string;
  /** A short name for the endpoint (logs, tests); metrics use its path as the route. */
  name: string;
  /**
   * POST (the default) for form endpoints; GET for resources such as /api/user; both for one
   * that takes either (OpenID Connect UserInfo).
   */
  method?: 'GET' | 'POST' | 'GET, POST';
  /** Answers CORS for the web origins registered on clients (browser apps call it cross-origin). */
  cors?: boolean;
  handle: OAuthHandler;
}

export interface DispatchOptions {
  logger: Logger;
  metrics: GrantlineMetrics;
  tracing: Tracing;
  /** express-style `trust proxy` value; empty trusts no forwarded address. */
  trustProxy: string;
  /** Whether any client registered this web origin; CORS is refused for every origin without it. */
  isWebOrigin?: (origin: string) => Promise<boolean>;
}

/**
 * The hot paths (token, introspection, revocation) are answered straight from node:http: on
 * this machine class express alone costs several times what the endpoint's own work does.
 * Everything else (probes, metadata, admin) falls through to the express app.
 */
export function dispatchOAuth(
  endpoints: readonly OAuthEndpoint[],
  fallback: RequestListener,
  options: DispatchOptions,
): RequestListener {
  const byPath = new Map(endpoints.map((endpoint) => [endpoint.path, endpoint]));
  const trust = proxyaddr.compile(options.trustProxy ? options.trustProxy.split(',').map((entry) => entry.trim()) : []);
  return (req, res) => {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const endpoint = byPath.get(query === -1 ? url : url.slice(0, query));
    if (!endpoint) {
      fallback(req, res);
      return;
    }
    const method = endpoint.method ?? 'POST';
    if (req.method === 'OPTIONS' && endpoint.cors) {
      void answerPreflight(endpoint, req, res, options);
      return;
    }
    if (!method.split(', ').includes(req.method ?? '')) {
      // RFC 6749 §3.2 and RFC 7662 §2.1: the OAuth endpoints take POST only.
      const allow = endpoint.cors ? `${method}, OPTIONS` : method;
      const refused = new OAuthError('invalid_request', `Use ${method}`, 405, { headers: { Allow: allow } });
      writeJson(res, errorResponse(refused), {});
      return;
    }
    void serveEndpoint(endpoint, req, res, proxyaddr(req, trust), query === -1 ? '' : url.slice(query + 1), options);
  };
}

/**
 * A CORS preflight carries no client id, so it is allowed for any origin some client
 * registered; the response itself is then allowed only for the origins of its own client.
 */
async function answerPreflight(
  endpoint: OAuthEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  options: DispatchOptions,
): Promise<void> {
  const origin = req.headers.origin;
  const allowed = typeof origin === 'string' && (await webOriginKnown(origin, options));
  res.writeHead(204, {
    Vary: 'Origin',
    ...(allowed
      ? {
          'Access-Control-Allow-Origin': origin,
          'Access-Control-Allow-Methods': `${endpoint.method ?? 'POST'}, OPTIONS`,
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, DPoP',
          'Access-Control-Max-Age': '600',
        }
      : {}),
  });
  res.end();
}

async function webOriginKnown(origin: string, options: DispatchOptions): Promise<boolean> {
  try {
    return (await options.isWebOrigin?.(origin)) ?? false;
  } catch {
    return false;
  }
}

async function corsHeaders(
  endpoint: OAuthEndpoint,
  req: IncomingMessage,
  response: OAuthResponse,
  options: DispatchOptions,
): Promise<Record<string, string>> {
  const origin = req.headers.origin;
  if (!endpoint.cors || typeof origin !== 'string') return {};
  const allowed = response.allowedOrigins
    ? response.allowedOrigins.includes(origin)
    : await webOriginKnown(origin, options);
  return allowed
    ? {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Expose-Headers': 'WWW-Authenticate, DPoP-Nonce',
        Vary: 'Origin',
      }
    : { Vary: 'Origin' };
}

async function serveEndpoint(
  endpoint: OAuthEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  remoteAddress: string,
  query: string,
  options: DispatchOptions,
): Promise<void> {
  const { logger, metrics, tracing } = options;
  const started = performance.now();
  const requestId = requestIdOf(req.headers['x-request-id']);
  const method = req.method === 'GET' && endpoint.method?.includes('GET') ? 'GET' : 'POST';
  const trace = tracing.startRequest(`${method} ${endpoint.path}`, req.headers.traceparent);
  let response: OAuthResponse;
  try {
    const body = method === 'POST' ? await readBody(req, BODY_LIMIT_BYTES) : '';
    response = await endpoint.handle({
      method,
      headers: req.headers,
      body,
      query,
      path: endpoint.path,
      remoteAddress,
      requestId,
      traceparent: trace.traceparent,
    });
  } catch (thrown) {
    const error =
      thrown instanceof BodyTooLargeError
        ? new OAuthError('invalid_request', 'The request body is too large', 413)
        : toOAuthError(thrown);
    logFailure(logger, error, requestId, trace.traceId);
    const dependency = failedDependency(thrown);
    if (dependency) metrics.dependencyFailed(dependency);
    response = errorResponse(error);
  }
  const cors = await corsHeaders(endpoint, req, response, options);
  writeJson(res, response, { ...cors, 'X-Request-Id': requestId });
  trace.end(response.status);
  metrics.requestFinished(method, endpoint.path, response.status, (performance.now() - started) / 1000);
}

/** The body as JSON, or as it is in its own media type when the endpoint made it a `RawBody`. */
function writeJson(res: ServerResponse, response: OAuthResponse, extra: Record<string, string>): void {
  const { body } = response;
  const raw = body instanceof RawBody;
  const payload = raw ? body.text : JSON.stringify(body);
  res.writeHead(response.status, {
    ...response.headers,
    ...extra,
    'Content-Type': raw ? body.contentType : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function logFailure(logger: Logger, error: OAuthError, requestId: string, traceId: string): void {
  const cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message } : undefined;
  // A description not written for the caller (error.expose) is only ever seen here.
  const description = error.expose ? undefined : error.error_description;
  const entry = {
    requestId,
    traceId,
    error: error.error,
    status: error.status,
    description,
    detail: error.options.detail,
    cause,
  };
  if (error.status >= 500) logger.error(entry, 'request failed');
  else logger.debug(entry, 'request refused');
}
