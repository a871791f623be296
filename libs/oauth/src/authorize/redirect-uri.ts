import type { ClientRecord } from '@grantline/lib-projections';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

/**
 * Exact string match against a registered redirect URI, except that a registered loopback
 * URI (`http://127.0.0.1/...` or `http://[::1]/...`) matches on any port (RFC 8252 §7.3).
 * Nothing else is normalised: no prefix, case, path or query leniency.
 */
export function matchesRegisteredRedirect(client: ClientRecord, given: string): boolean {
  return client.redirectUris.some((registered) => registered === given || loopbackMatch(registered, given));
}

function loopbackMatch(registered: string, given: string): boolean {
  const a = parse(registered);
  const b = parse(given);
  if (!a || !b || a.protocol !== 'http:' || b.protocol !== 'http:') return false;
  if (!LOOPBACK_HOSTS.has(a.hostname) || a.hostname !== b.hostname) return false;
  // Compare everything but the port, on the raw strings, so no normalisation sneaks in.
  return withoutPort(registered) === withoutPort(given) && !b.username && !b.password;
}

function parse(uri: string): URL | null {
  try {
    return new URL(uri);
  } catch {
    return null;
  }
}

/** Drops an explicit port (`:80` included) after a loopback host; the caller checked the host. */
function withoutPort(raw: string): string {
  return raw.replace(/^(http:\/\/(?:127\.0\.0\.1|\[::1\]))(?::\d+)?(?=[/?]|$)/, '$1');
}

/** Appends response parameters to the redirect URI's own query, form-encoded. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  const added = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
  ).toString();
  // RFC 6749 §3.1.2: the registered query is kept as it is; ours follows it.
  if (added !== '') url.search = url.search === '' ? added : `${url.search.slice(1)}&${added}`;
  return url.toString();
}
