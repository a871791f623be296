import type { RequestHandler } from 'express';
import { sendOAuthError } from '@grantline/lib-runtime';
import { OAuthError } from '@grantline/lib-oauth';

/** The body is JSON or nothing is read; a body of another type is 415. */
export const requireJson: RequestHandler = (req, res, next) => {
  if (req.is('application/json')) return next();
  sendOAuthError(req, res, new OAuthError('invalid_request', 'Send the body as application/json', 415));
};

/** 405 with the methods a path answers. */
export function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) => {
    const error = new OAuthError('invalid_request', `Use ${allow}`, 405, { headers: { Allow: allow } });
    sendOAuthError(req, res, error);
  };
}
