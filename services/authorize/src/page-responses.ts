import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '@grantline/lib-http';
import { pageHeaders, renderErrorPage } from './pages';

/** A form that is not ours, expired, or posted without this browser's CSRF cookie. */
export function refuseForm(res: Response): void {
  sendPage(
    res,
    403,
    renderErrorPage({
      title: 'This form has expired',
      message:
        'The form was not sent from this sign-in page, or it was open too long. Go back to the app and start again.',
    }),
  );
}

export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set(pageHeaders()).send(html);
}

/** The last step of a page route: log the failure, show a 503 page, reveal nothing. */
export function unavailablePage(
  logger: Logger,
  step: string,
  view: { title: string; message: string },
): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    logger.error({ err: error }, `${step} failed`);
    sendPage(res, 503, renderErrorPage(view));
  };
}
