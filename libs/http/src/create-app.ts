import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type { Telemetry } from '@grantline/lib-telemetry';
import { allowedMethods } from './allowed-methods';
import { requestMetrics } from './request-metrics';

export type ReadinessCheck = () => Promise<Record<string, boolean>>;

/**
 * The express app every service starts from: no framework banner, health and readiness
 * probes, and an error handler that never shows a stack. Routes are added by the caller
 * before `finishApp` installs the fallbacks.
 */
export function createApp(
  readiness: ReadinessCheck,
  options: { trustProxy?: string; telemetry?: Telemetry } = {},
): Express {
  const app = express();
  // Behind the edge proxy the caller's address comes from X-Forwarded-For, only if trusted.
  app.set('trust proxy', options.trustProxy ? options.trustProxy : false);
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const { telemetry } = options;
  if (telemetry) app.use(requestMetrics(telemetry.metrics));
  // Scraped on each replica's own port; the edge does not route it.
  if (telemetry) app.get('/metrics', (req, res) => telemetry.metricsHandler(req, res));
  app.get('/readyz', async (_req, res) => {
    const checks = await readiness().catch(() => ({ readiness: false }));
    const ready = Object.values(checks).every(Boolean);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  return app;
}

/**
 * Installs the fallbacks: 405 with Allow for a path that a route answers under other methods
 * (RFC 9110 §15.5.6), 404 for any other path, then `errorHandler`, which answers every failure
 * (the OAuth layer passes the error family's rendering).
 */
export function finishApp(app: Express, errorHandler: ErrorRequestHandler): Express {
  app.use((req: Request, res: Response) => {
    const allowed = allowedMethods(app, req.path);
    if (allowed.length > 0) {
      res.status(405).set('Allow', allowed.join(', ')).json({ error: 'method_not_allowed' });
      return;
    }
    res.status(404).json({ error: 'not_found' });
  });
  app.use(errorHandler);
  return app;
}
