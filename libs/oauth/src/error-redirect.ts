import { redirectWith } from './authorize/redirect-uri';
import type { OAuthError } from './errors';

/** Where an authorization error is sent: the client's verified redirect URI and its `state`. */
export interface RedirectTarget {
  redirectUri: string;
  state?: string;
}

/**
 * The redirect rendering of an error at the authorization endpoint (RFC 6749 §4.1.2.1), with
 * `state` as the client sent it and `iss` (RFC 9207 §2) so the client can tell which server
 * answered.
 */
export function errorRedirect(issuer: string, target: RedirectTarget, error: OAuthError): string {
  return redirectWith(target.redirectUri, {
    error: error.error,
    error_description: error.publicDescription,
    state: target.state,
    iss: issuer,
  });
}
