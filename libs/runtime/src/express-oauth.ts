import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import {
  errorResponse,
  OAuthError,
  RawBody,
  toOAuthError,
  type OAuthRequest,
  type OAuthResponse,
} from '@grantline/lib-oauth';
import { requestIdOf, type Logger } from '@grantline/lib-http';
import { oauthRequestOf } from './express-request';

/** An OAuth endpoint served by express: it reads what express parsed and answers framework-free. */
export type ExpressOAuthEndpoint = (req: Request, request: OAuthRequest) => Promise<OAuthResponse>;

/**
 * An express route for an OAuth endpoint: whatever it throws goes through the one mapping
 * (error-mapping.ts) and is answered as an RFC 6749 §5.2 body, as on the lean path.
 */
export function oauthRoute(logger: Logger, endpoint: ExpressOAuthEndpoint): RequestHandler {
  return async (req, res) => {
    const request = oauthRequestOf(req);
    let response: OAuthResponse;
    try {
      response = await endpoint(req, request);
    } catch (thrown) {
      const error = toOAuthError(thrown);
      if (error.status >= 500) logger.error({ err: thrown, requestId: request.requestId }, 'request failed');
      response = errorResponse(error);
    }
    sendOAuthResponse(res, request.requestId, response);
  };
}

/** Answers with an error of the family, as a JSON body. */
export function sendOAuthError(req: Request, res: Response, error: OAuthError): void {
  sendOAuthResponse(res, requestIdOf(req.headers['x-request-id']), errorResponse(error));
}

export function sendOAuthResponse(res: Response, requestId: string, response: OAuthResponse): void {
  res.status(response.status).set({ ...response.headers, 'X-Request-Id': requestId });
  if (response.body === undefined) res.end();
  else if (response.body instanceof RawBody) res.type(response.body.contentType).send(response.body.text);
  else res.json(response.body);
}

/**
 * What reached express's error handler, as an error of the family: a body the parser refused
 * (malformed 400, too large 413, an unknown charset 415) is the caller's; anything else goes
 * through the one mapping.
 */
export function expressError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 0;
  if (status === 413) return new OAuthError('invalid_request', 'The request body is too large', 413);
  if (status === 415) return new OAuthError('invalid_request', 'The body is in an unsupported charset', 415);
  if (status === 400) return new OAuthError('invalid_request', 'The request body is malformed', 400);
  return toOAuthError(error);
}

/** The last handler of an express app: every failure is answered by the family's JSON body. */
export function oauthErrorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown: unknown, req, res, _next) => {
    const error = expressError(thrown);
    if (error.status >= 500) logger.error({ err: thrown }, 'unhandled error');
    sendOAuthError(req, res, error);
  };
}
