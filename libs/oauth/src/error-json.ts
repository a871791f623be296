import type { OAuthError } from './errors';
import { jsonResponse, type OAuthResponse } from './http-types';

/**
 * RFC 6749 §5.2: the JSON error body, with the error's headers and its `WWW-Authenticate`
 * challenge; never `detail`, a cause or a stack.
 */
export function errorResponse(error: OAuthError): OAuthResponse {
  return jsonResponse(
    error.status,
    { error: error.error, error_description: error.publicDescription },
    errorHeaders(error),
  );
}

/** The headers every rendering of an error carries (Retry-After, DPoP-Nonce, a challenge). */
export function errorHeaders(error: OAuthError): Record<string, string> {
  const headers: Record<string, string> = { ...error.options.headers };
  if (error.options.wwwAuthenticate) headers['WWW-Authenticate'] = error.options.wwwAuthenticate;
  return headers;
}

/**
 * The admin API's body: `{error, issues}` for a refused body, `{error, message}` for a refused
 * command, and only `{error}` when the description was not written for the caller.
 */
export function adminErrorBody(error: OAuthError): Record<string, unknown> {
  if (error.options.issues) return { error: error.error, issues: error.options.issues };
  return error.expose ? { error: error.error, message: error.error_description } : { error: error.error };
}
