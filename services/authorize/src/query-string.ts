import type { Request } from 'express';

/** The request's raw query string, as sent (without `?`); parsed by each route as its rules say. */
export function queryOf(req: Request): string {
  const url = req.originalUrl;
  const index = url.indexOf('?');
  return index === -1 ? '' : url.slice(index + 1);
}
