/**
 * Native apps (RFC 8252 §7) receive the authorization response at a private-use URI scheme, at a
 * loopback listener, or at an https URL they claim. Which one a redirect URI is decides what the
 * consent page tells the person, and whether registering it earns a warning.
 */
export type RedirectReceiver =
  /** §7.1: an app on the person's device that the operating system opens for this scheme. */
  | { kind: 'app-scheme'; scheme: string }
  /** §7.3: an app on the person's device listening on the loopback interface. */
  | { kind: 'app-loopback' }
  /** An https URL: a website, or an app that claims it (§7.2); the host is what the person can check. */
  | { kind: 'web'; host: string };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function redirectReceiver(uri: string): RedirectReceiver {
  const url = new URL(uri);
  if (url.protocol === 'https:') return { kind: 'web', host: url.host };
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return { kind: 'app-loopback' };
  if (url.protocol === 'http:') return { kind: 'web', host: url.host };
  return { kind: 'app-scheme', scheme: url.protocol.slice(0, -1) };
}

/**
 * The native app a redirect URI reaches, for the consent page to name, or null. A loopback
 * listener counts only for a client without web origins: one with them is a browser app (an SPA
 * in development on localhost), which the page describes no further.
 */
export function nativeAppReceiver(
  uri: string,
  client: { webOrigins: readonly string[] },
): Exclude<RedirectReceiver, { kind: 'web' }> | null {
  const receiver = redirectReceiver(uri);
  if (receiver.kind === 'app-scheme') return receiver;
  return receiver.kind === 'app-loopback' && client.webOrigins.length === 0 ? receiver : null;
}

/**
 * RFC 8252 §7.1: a private-use scheme SHOULD be a reverse domain name the app's publisher controls
 * (`com.example.app`), so that two apps do not claim one scheme; such a name contains a period.
 */
export function isReverseDomainScheme(scheme: string): boolean {
  const labels = scheme.split('.');
  return labels.length >= 2 && labels.every((label) => /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(label));
}

/**
 * What an operator is told, without being refused, about the redirect URIs of a client they register:
 * a private-use scheme that is not a reverse domain name still works (apps in the field use them),
 * but any other app on the device may claim it and receive the code (PKCE keeps it useless to them).
 */
export function redirectUriWarnings(uris: readonly string[]): string[] {
  return uris.flatMap((uri) => {
    const receiver = redirectReceiver(uri);
    if (receiver.kind !== 'app-scheme' || isReverseDomainScheme(receiver.scheme)) return [];
    return [
      `redirect URI ${uri}: the private-use scheme "${receiver.scheme}:" is not a reverse domain name; ` +
        'RFC 8252 §7.1 recommends one the app publisher controls, such as com.example.app:/callback',
    ];
  });
}
