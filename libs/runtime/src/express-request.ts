import type { Request } from 'express';
import { requestIdOf } from '@grantline/lib-http';
import type { OAuthRequest } from '@grantline/lib-oauth';

/**
 * The transport-neutral request the OAuth library reads, for routes served by express (pages,
 * personal access tokens). The body is left to the route, which parses it itself.
 */
export function oauthRequestOf(req: Request): OAuthRequest {
  const traceparent = req.get('traceparent');
  const query = req.originalUrl.indexOf('?');
  return {
    method: req.method,
    headers: req.headers,
    body: '',
    query: query === -1 ? '' : req.originalUrl.slice(query + 1),
    path: query === -1 ? req.originalUrl : req.originalUrl.slice(0, query),
    remoteAddress: req.ip ?? 'unknown',
    requestId: requestIdOf(req.headers['x-request-id']),
    ...(traceparent ? { traceparent } : {}),
  };
}
