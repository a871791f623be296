/** The response headers that decide how long a fetched document may be kept. */
export interface CacheHeaders {
  cacheControl?: string | undefined;
  expires?: string | undefined;
  date?: string | undefined;
  age?: string | undefined;
}

/**
 * Seconds a response may be kept (RFC 9111 §4.2.1): `no-store` and `no-cache` give 0 (Grantline
 * does not revalidate), then `s-maxage` (Grantline's copy is shared by every replica), then
 * `max-age`, then `Expires` less `Date`; less the response's `Age`. Null when the headers say
 * nothing, so the caller applies its own default; an invalid `Expires` means already expired.
 */
export function cacheLifetimeSeconds(headers: CacheHeaders, nowMs: number): number | null {
  const directives = parseCacheControl(headers.cacheControl ?? '');
  if (directives.has('no-store') || directives.has('no-cache')) return 0;
  const lifetime =
    deltaSeconds(directives.get('s-maxage')) ??
    deltaSeconds(directives.get('max-age')) ??
    expiresLifetime(headers, nowMs);
  if (lifetime === null) return null;
  const age = deltaSeconds(headers.age ?? undefined) ?? 0;
  return Math.max(0, lifetime - age);
}

/** Directive names (lower case) to their values, `''` for a directive without one; the first of a name wins. */
export function parseCacheControl(header: string): Map<string, string> {
  const directives = new Map<string, string>();
  for (const part of header.split(',')) {
    const [rawName = '', ...rest] = part.split('=');
    const name = rawName.trim().toLowerCase();
    if (name === '' || directives.has(name)) continue;
    directives.set(
      name,
      rest
        .join('=')
        .trim()
        .replace(/^"(.*)"$/, '$1'),
    );
  }
  return directives;
}

/** RFC 9111 §1.2.2: a non-negative integer of seconds; anything else is no value. */
function deltaSeconds(value: string | undefined): number | null {
  if (value === undefined || !/^\d+$/.test(value)) return null;
  return Math.min(Number(value), 2 ** 31);
}

function expiresLifetime(headers: CacheHeaders, nowMs: number): number | null {
  if (headers.expires === undefined) return null;
  const expires = Date.parse(headers.expires);
  if (Number.isNaN(expires)) return 0;
  const date = headers.date === undefined ? NaN : Date.parse(headers.date);
  const from = Number.isNaN(date) ? nowMs : date;
  return Math.max(0, Math.floor((expires - from) / 1000));
}
