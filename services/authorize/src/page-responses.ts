import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '@grantline/lib-http';
import { errorHeaders, errorPage } from '@grantline/lib-oauth';
import { expressError } from '@grantline/lib-runtime';
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

/** A redirect from a page: never cached, never telling the next site where the browser came from. */
export function redirect(res: Response, location: string, status = 302): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' });
  res.location(location).end();
}

export function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set(pageHeaders()).send(html);
}

/**
 * The last step of a page route: the failure goes through the one mapping and is shown as a page
 * (error-page.ts): a form the parser refused is the browser's 400 or 413, a store that is down a
 * 503 with the step's own wording, anything unexpected a 500 that reveals nothing.
 */
export function unavailablePage(
  logger: Logger,
  step: string,
  view: { title: string; message: string },
): ErrorRequestHandler {
  return (thrown: unknown, _req, res, _next) => {
    const error = expressError(thrown);
    if (error.status >= 500) logger.error({ err: thrown }, `${step} failed`);
    const page = errorPage(error, view);
    res.set(errorHeaders(error));
    sendPage(res, page.status, renderErrorPage(page));
  };
}
