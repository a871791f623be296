import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { errorResponse, OAuthError, toOAuthError, type OAuthRequest, type OAuthResponse } from '@grantline/lib-oauth';
import type { GrantlineMetrics } from '@grantline/lib-telemetry';
import type { Logger } from './logger';
import { BodyTooLargeError, readBody } from './raw-body';
import { requestTrace } from './trace-context';

export const BODY_LIMIT_BYTES = 16 * 1024;

export type OAuthHandler = (request: OAuthRequest) => Promise<OAuthResponse>;

/**
 * Adapts a transport-neutral endpoint to express, with no body-parsing middleware in front:
 * the hot paths read the body themselves and skip everything they do not need.
 */
export function oauthRoute(
  route: string,
  handler: OAuthHandler,
  { logger, metrics }: { logger: Logger; metrics: GrantlineMetrics },
) {
  return async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    const trace = requestTrace(req.headers.traceparent);
    res.setHeader('X-Request-Id', requestId);
    let response: OAuthResponse;
    try {
      const body = await readBody(req, BODY_LIMIT_BYTES);
      response = await handler({
        method: req.method,
        headers: req.headers,
        body,
        remoteAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
        requestId,
        traceparent: trace.traceparent,
      });
    } catch (thrown) {
      const error =
        thrown instanceof BodyTooLargeError
          ? new OAuthError('invalid_request', 'The request body is too large', 413)
          : toOAuthError(thrown);
      logFailure(logger, error, requestId, trace.traceId);
      response = errorResponse(error);
    }
    res.status(response.status).set(response.headers).json(response.body);
    metrics.requestFinished(route, response.status, (performance.now() - started) / 1000);
  };
}

function logFailure(logger: Logger, error: OAuthError, requestId: string, traceId: string): void {
  const cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message } : undefined;
  const entry = { requestId, traceId, error: error.error, status: error.status, detail: error.options.detail, cause };
  if (error.status >= 500) logger.error(entry, 'request failed');
  else logger.debug(entry, 'request refused');
}

export function requestIdOf(req: Request): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
}
