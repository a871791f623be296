import type { Request, Response } from 'express';
import type { Logger } from '@grantline/lib-http';
import { adminErrorBody, errorHeaders, toOAuthError } from '@grantline/lib-oauth';

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
    } catch (thrown) {
      // The admin routes parse their bodies with zod themselves: a ZodError is the caller's 400.
      const error = toOAuthError(thrown, { zodIsInvalidRequest: true });
      if (error.status >= 500) logger.error({ err: thrown }, 'admin request failed');
      res
        .status(error.status)
        .set({ ...errorHeaders(error), 'Cache-Control': 'no-store' })
        .json(adminErrorBody(error));
    }
  };
}
