import type { OAuthError } from './errors';

/** What an HTML page shows for an error; the page templates turn it into markup. */
export interface ErrorPage {
  status: number;
  title: string;
  message: string;
}

/**
 * The page rendering of an error, for the browser-facing steps (sign-in, consent, device
 * verification). `unavailable` is the step's own wording for a 503, which says what the user can
 * do; an unexpected failure shows nothing of itself.
 */
export function errorPage(error: OAuthError, unavailable: { title: string; message: string }): ErrorPage {
  if (error.error === 'temporarily_unavailable') return { status: error.status, ...unavailable };
  if (error.status >= 500) {
    return {
      status: error.status,
      title: 'Something went wrong',
      message: 'The server could not complete this step. Please try again later.',
    };
  }
  return { status: error.status, title: 'This request cannot be completed', message: error.publicDescription };
}
