/**
 * Hosts an operator lets the fetcher reach whatever they resolve to (tests, development): an exact
 * name (`localhost`), an IP address (`127.0.0.1`, `::1` or `[::1]`), or `*.name` for every name
 * below `name` (not `name` itself). Names compare without case and without a trailing dot.
 */
export type HostAllowList = (host: string) => boolean;

export function hostAllowList(patterns: readonly string[]): HostAllowList {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const pattern of patterns.map(normalHost).filter((pattern) => pattern !== '')) {
    if (pattern.startsWith('*.')) suffixes.push(pattern.slice(1));
    else exact.add(pattern);
  }
  return (host) => {
    const name = normalHost(host);
    return exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
  };
}

/** A URL's host as compared: lower case, no brackets around an IPv6 address, no trailing dot. */
export function normalHost(host: string): string {
  return host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}
