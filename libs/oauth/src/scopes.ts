import { invalidScope } from './errors';

/** RFC 6749 §3.3: space-delimited, case-sensitive scope tokens of printable ASCII. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function parseScope(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const tokens = raw.split(' ').filter((token) => token !== '');
  if (tokens.some((token) => !SCOPE_TOKEN.test(token))) throw invalidScope('The scope is malformed');
  return [...new Set(tokens)];
}

/**
 * Grants the requested scopes if the client may have all of them; with none requested, the
 * client's registered scopes are the default (RFC 6749 §3.3 lets the server choose).
 */
export function grantScopes(requested: string[] | undefined, allowed: readonly string[]): string[] {
  if (requested === undefined) return [...allowed];
  const unknown = requested.filter((scope) => !allowed.includes(scope));
  if (unknown.length > 0) throw invalidScope(`The client may not request: ${unknown.join(' ')}`);
  return requested;
}
