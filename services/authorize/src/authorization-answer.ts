import type { Response } from 'express';
import { redirectLocation, type AuthorizationResponse } from '@grantline/lib-oauth';
import { formPostHeaders, renderFormPostPage } from './pages';

/**
 * Sends an answer to the client in the mode it asked for: a redirect (302 after a GET, 303 after a
 * form POST) with the parameters in the query, or the form_post page (OAuth 2.0 Form Post Response Mode §2).
 */
export function sendAuthorizationResponse(res: Response, response: AuthorizationResponse, status = 302): void {
  if (response.responseMode === 'form_post') {
    res.status(200).set(formPostHeaders(response)).send(renderFormPostPage(response));
    return;
  }
  redirect(res, redirectLocation(response), status);
}

function redirect(res: Response, location: string, status = 302): void {
  res.status(status).set({ 'Cache-Control': 'no-store', Pragma: 'no-cache', 'Referrer-Policy': 'no-referrer' });
  res.location(location).end();
}
