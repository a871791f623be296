import type { Request, Response } from 'express';
import { ZodError } from 'zod';
import { EventLogUnavailableError } from '@grantline/lib-event-log';
import type { Logger } from '@grantline/lib-http';
import { CommandError } from '@grantline/lib-oauth';
import { ProjectionStoreUnavailableError } from '@grantline/lib-projections';

/** What an admin route decides; a reply without a body is sent as is (e.g. 204). */
export type AdminAction = (req: Request) => Promise<{ status: number; body?: unknown }>;

/** Runs an admin action and maps its outcome, or its error, to a JSON reply that is never cached. */
export function handle(logger: Logger, action: AdminAction) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const { status, body } = await action(req);
      res.status(status).set('Cache-Control', 'no-store');
      if (body === undefined) res.end();
      else res.json(body);
    } catch (error) {
      const { status, body } = adminError(error);
      if (status >= 500) logger.error({ err: error }, 'admin request failed');
      res.status(status).set('Cache-Control', 'no-store').json(body);
    }
  };
}

function adminError(error: unknown): { status: number; body: unknown } {
  if (error instanceof ZodError) {
    return {
      status: 400,
      body: {
        error: 'invalid_request',
        issues: error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      },
    };
  }
  if (error instanceof CommandError) {
    return { status: error.status, body: { error: 'invalid_request', message: error.message } };
  }
  if (error instanceof EventLogUnavailableError || error instanceof ProjectionStoreUnavailableError) {
    return { status: 503, body: { error: 'temporarily_unavailable' } };
  }
  return { status: 500, body: { error: 'server_error' } };
}
