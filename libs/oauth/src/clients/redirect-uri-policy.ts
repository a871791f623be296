/**
 * Which redirect URIs a client may register. Authorization responses carry codes, so they must
 * not travel in clear text (RFC 9700 §2.6, §4.1): `http` is only for a native app's loopback
 * listener (RFC 8252 §7.3), which never leaves the device. Private-use schemes of native apps
 * (RFC 8252 §7.1) stay allowed; schemes a browser runs or reads locally never are.
 */

/** Hosts whose `http` redirect never leaves the machine; `localhost` is allowed, not recommended (RFC 8252 §8.3). */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Schemes whose "redirect" runs script or reads local content instead of reaching an app. */
const REFUSED_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:', 'ws:', 'wss:']);

/** Why a redirect URI cannot be registered, or `null` when it can (or is not a URI: another check says so). */
export function redirectUriRefusal(uri: string): string | null {
  if (!URL.canParse(uri)) return null;
  const url = new URL(uri);
  if (REFUSED_SCHEMES.has(url.protocol)) return `the ${url.protocol} scheme cannot receive authorization responses`;
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return 'http is only allowed for loopback redirect URIs (127.0.0.1, [::1], localhost); use https (RFC 9700 §2.6)';
  }
  return null;
}
