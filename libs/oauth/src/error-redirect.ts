import {
  authorizationResponse,
  redirectLocation,
  type AuthorizationResponse,
} from './authorize/authorization-response';
import type { ResponseMode } from './authorize/response-mode';
import type { OAuthError } from './errors';

/** Where an authorization error is sent: the client's verified redirect URI, its `state` and response mode. */
export interface RedirectTarget {
  redirectUri: string;
  state?: string;
  responseMode?: ResponseMode;
}

/**
 * An error at the authorization endpoint as the client receives it (RFC 6749 §4.1.2.1), with
 * `state` as the client sent it and `iss` (RFC 9207 §2) so the client can tell which server
 * answered; in the response mode the request asked for.
 */
export function authorizationErrorResponse(
  issuer: string,
  target: RedirectTarget,
  error: OAuthError,
): AuthorizationResponse {
  return authorizationResponse(target, {
    error: error.error,
    error_description: error.publicDescription,
    state: target.state,
    iss: issuer,
  });
}

/** The query rendering of {@link authorizationErrorResponse}. */
export function errorRedirect(issuer: string, target: RedirectTarget, error: OAuthError): string {
  return redirectLocation(authorizationErrorResponse(issuer, target, error));
}
