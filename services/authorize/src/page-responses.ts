import type { Response } from 'express';
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
