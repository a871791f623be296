import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Telemetry } from '@grantline/lib-telemetry';
import type { Logger } from './logger';
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

export function finishApp(app: Express, logger: Logger): Express {
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found' });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
    if (status >= 500) logger.error({ err: error }, 'unhandled error');
    res.status(status >= 400 && status < 600 ? status : 500).json({
      error: status >= 500 ? 'server_error' : 'invalid_request',
    });
  });
  return app;
}
