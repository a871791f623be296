/**
 * How the authorization response reaches the client: in the redirect URI's query (RFC 6749 §4.1.2),
 * or POSTed by the browser from an auto-submitting form (OAuth 2.0 Form Post Response Mode §2).
 * Fragment is not offered: a code never travels in a fragment here.
 */
export const RESPONSE_MODES = ['query', 'form_post'] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/** The mode a request asked for: query when it named none, null when it named one not offered. */
export function responseModeOf(given: string | null): ResponseMode | null {
  if (given === null) return 'query';
  return (RESPONSE_MODES as readonly string[]).includes(given) ? (given as ResponseMode) : null;
}
