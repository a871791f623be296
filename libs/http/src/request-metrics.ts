import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { GrantlineMetrics } from '@grantline/lib-telemetry';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Records `http.server.request.duration` for the express routes (sign-in and consent pages,
 * admin API, metadata). The route is the matched template (`/admin/clients/:id`), never the raw
 * path, so the number of series stays bounded; unmatched requests count as `other`. Probes are
 * left out: they would outnumber real traffic.
 */
export function requestMetrics(metrics: GrantlineMetrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (PROBES.has(req.path)) {
      next();
      return;
    }
    const started = performance.now();
    res.once('finish', () => {
      const template = req.route?.path;
      const route = typeof template === 'string' ? `${req.baseUrl}${template}` : 'other';
      metrics.requestFinished(req.method, route, res.statusCode, (performance.now() - started) / 1000);
    });
    next();
  };
}
