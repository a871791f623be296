import { redirectWith } from './redirect-uri';
import type { ResponseMode } from './response-mode';

/**
 * An answer to the client at its verified redirect URI, before it is rendered: as a redirect with
 * the parameters in the query, or as a page that POSTs them there (form_post).
 */
export interface AuthorizationResponse {
  redirectUri: string;
  responseMode: ResponseMode;
  /** The response parameters in order; none is empty. */
  parameters: ReadonlyArray<readonly [string, string]>;
}

/** Where the response goes and how; the mode is query unless the request asked otherwise. */
export interface ResponseTarget {
  redirectUri: string;
  responseMode?: ResponseMode;
}

export function authorizationResponse(
  target: ResponseTarget,
  parameters: Record<string, string | undefined>,
): AuthorizationResponse {
  return {
    redirectUri: target.redirectUri,
    responseMode: target.responseMode ?? 'query',
    parameters: Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined),
  };
}

/** The query rendering: the redirect URI with the parameters after its own query (RFC 6749 §4.1.2). */
export function redirectLocation(response: AuthorizationResponse): string {
  return redirectWith(response.redirectUri, Object.fromEntries(response.parameters));
}
