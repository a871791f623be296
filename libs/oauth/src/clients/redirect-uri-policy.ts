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

/** RFC 8252 §8.4: what a client says it is decides which redirect URIs it may register. */
export type ApplicationType = 'web' | 'native';

/**
 * Why a client that registers itself (RFC 7591) may not have this redirect URI, or `null` when
 * it may. Stricter than an operator's registration, because nobody vouches for the client:
 * - web apps redirect over https to a host that is not loopback;
 * - native apps (RFC 8252 §7) redirect to a loopback listener over http on any port (§7.3), to
 *   a private-use scheme in reverse-DNS form (§7.1), or to a claimed https URL (§7.2).
 */
export function dynamicRedirectUriRefusal(applicationType: ApplicationType, uri: string): string | null {
  if (!URL.canParse(uri)) return 'must be an absolute URI';
  const url = new URL(uri);
  // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
  if (uri.includes('#')) return 'must not contain a fragment (RFC 6749 section 3.1.2)';
  const refusal = redirectUriRefusal(uri);
  if (refusal !== null) return refusal;
  if (applicationType === 'web') {
    if (url.protocol !== 'https:')
      return 'a web client redirects over https; native apps register application_type native';
    if (LOOPBACK_HOSTS.has(url.hostname)) return 'a web client does not redirect to loopback; native apps do';
    return null;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return null;
  // RFC 8252 §7.1: a private-use scheme is a reverse domain name the app controls, so it has a period.
  if (!url.protocol.slice(0, -1).includes('.')) {
    return 'a private-use scheme must be in reverse domain name form, such as com.example.app (RFC 8252 section 7.1)';
  }
  return null;
}
