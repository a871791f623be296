import { isReverseDomainScheme, nativeAppReceiver, redirectReceiver, redirectUriWarnings } from './native-redirect';

describe('who receives an authorization response (RFC 8252 §7)', () => {
  it.each([
    ['a private-use scheme', 'yourapp://oauth/callback', { kind: 'app-scheme', scheme: 'yourapp' }],
    ['a reverse-DNS scheme', 'com.example.notes:/oauth2redirect', { kind: 'app-scheme', scheme: 'com.example.notes' }],
    ['a loopback listener', 'http://127.0.0.1:8765/cb', { kind: 'app-loopback' }],
    ['an IPv6 loopback listener', 'http://[::1]/cb', { kind: 'app-loopback' }],
    ['localhost', 'http://localhost:5173/cb', { kind: 'app-loopback' }],
    ['an https URL', 'https://app.example.com:8443/cb', { kind: 'web', host: 'app.example.com:8443' }],
  ])('%s', (_name, uri, expected) => {
    expect(redirectReceiver(uri)).toEqual(expected);
  });
});

describe('the native app the consent page names', () => {
  const nativeApp = { webOrigins: [] };
  const browserApp = { webOrigins: ['http://localhost:5173'] };

  it('is the app of a private-use scheme, whatever the client', () => {
    expect(nativeAppReceiver('com.example.notes:/cb', browserApp)).toEqual({
      kind: 'app-scheme',
      scheme: 'com.example.notes',
    });
  });

  it('is a loopback listener only for a client without web origins (a browser app is none)', () => {
    expect(nativeAppReceiver('http://127.0.0.1:8765/cb', nativeApp)).toEqual({ kind: 'app-loopback' });
    expect(nativeAppReceiver('http://127.0.0.1:8765/cb', browserApp)).toBeNull();
  });

  it('is none for an https redirect', () => {
    expect(nativeAppReceiver('https://app.example.com/cb', nativeApp)).toBeNull();
  });
});

describe('reverse domain name schemes (RFC 8252 §7.1)', () => {
  it.each(['com.example.app', 'dev.grantline.notes', 'io.github.some-one.app'])('%s is one', (scheme) => {
    expect(isReverseDomainScheme(scheme)).toBe(true);
  });

  it.each(['yourapp', 'com.', '.app', 'com..app', 'my+app.example'])('%s is not', (scheme) => {
    expect(isReverseDomainScheme(scheme)).toBe(false);
  });
});

describe('warnings at registration', () => {
  it('warns about a private-use scheme that is not a reverse domain name, naming the URI and the RFC', () => {
    const [warning, ...others] = redirectUriWarnings(['yourapp://oauth/callback']);
    expect(others).toEqual([]);
    expect(warning).toContain('yourapp://oauth/callback');
    expect(warning).toContain('"yourapp:"');
    expect(warning).toContain('RFC 8252 §7.1');
  });

  it('has nothing to say about reverse-DNS schemes, loopback or https redirects', () => {
    expect(redirectUriWarnings(['com.example.app:/cb', 'http://127.0.0.1/cb', 'https://app.example.com/cb'])).toEqual(
      [],
    );
  });
});
