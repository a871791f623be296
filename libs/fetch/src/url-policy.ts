import type { HostAllowList } from './allowed-hosts';
import { RemoteFetchError } from './remote-fetcher';

export interface UrlPolicy {
  allowed: HostAllowList;
  /** Plain http for allowed hosts (development only); https everywhere else, always. */
  allowHttpForAllowedHosts: boolean;
}

/**
 * The URL to fetch, or `refused-url`: https only (http only for an allowed host when the operator
 * said so), no user name or password, no fragment. Host forms such as `0x7f.1` or `2130706433` are
 * normalised by the WHATWG parser into the address they stand for, which the address check judges.
 */
export function checkedUrl(text: string, policy: UrlPolicy): URL {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined) throw refused('is not a URL');
  const http = url.protocol === 'http:' && policy.allowHttpForAllowedHosts && policy.allowed(url.hostname);
  if (url.protocol !== 'https:' && !http) throw refused('is not an https URL');
  if (url.username !== '' || url.password !== '') throw refused('carries credentials');
  if (url.hash !== '' || text.includes('#')) throw refused('has a fragment');
  if (url.hostname === '') throw refused('has no host');
  return url;
}

function refused(why: string): RemoteFetchError {
  return new RemoteFetchError('refused-url', `The URL ${why}`);
}
