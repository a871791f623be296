import { clientSnapshot } from '@grantline/lib-testing';
import { matchesRegisteredRedirect, redirectWith } from './redirect-uri';

const clientWith = (...redirectUris: string[]) => clientSnapshot({ clientId: 'app', redirectUris });

describe('matchesRegisteredRedirect', () => {
  const web = clientWith('https://app.test/callback', 'https://app.test/cb?tenant=a');

  it('accepts a registered URI given exactly', () => {
    expect(matchesRegisteredRedirect(web, 'https://app.test/callback')).toBe(true);
    expect(matchesRegisteredRedirect(web, 'https://app.test/cb?tenant=a')).toBe(true);
  });

  it('treats an explicit port 80 on a loopback redirect like any other port', () => {
    expect(matchesRegisteredRedirect(clientWith('http://127.0.0.1/cb'), 'http://127.0.0.1:80/cb')).toBe(true);
    expect(matchesRegisteredRedirect(clientWith('http://127.0.0.1:80/cb'), 'http://127.0.0.1:5000/cb')).toBe(true);
    expect(matchesRegisteredRedirect(clientWith('http://[::1]/cb'), 'http://[::1]:80/cb')).toBe(true);
    expect(matchesRegisteredRedirect(clientWith('http://127.0.0.1/cb'), 'http://127.0.0.1:80/cb/x')).toBe(false);
  });

  it('accepts nothing for a client without redirect URIs', () => {
    expect(matchesRegisteredRedirect(clientWith(), 'https://app.test/callback')).toBe(false);
  });

  it.each([
    ['a trailing slash', 'https://app.test/callback/'],
    ['a missing path segment', 'https://app.test/'],
    ['a longer path (prefix match)', 'https://app.test/callback/evil'],
    ['a path suffix', 'https://app.test/callbackx'],
    ['another host with the registered one as prefix', 'https://app.test.evil.com/callback'],
    ['userinfo in front of the host', 'https://evil@app.test/callback'],
    ['userinfo that names the host', 'https://app.test@evil.com/callback'],
    ['an upper-case host', 'https://APP.test/callback'],
    ['an upper-case scheme', 'HTTPS://app.test/callback'],
    ['an upper-case path', 'https://app.test/Callback'],
    ['an encoded slash', 'https://app.test%2Fcallback'],
    ['an encoded path character', 'https://app.test/callb%61ck'],
    ['an explicit default port', 'https://app.test:443/callback'],
    ['another port', 'https://app.test:8443/callback'],
    ['plain http', 'http://app.test/callback'],
    ['a fragment', 'https://app.test/callback#frag'],
    ['an empty fragment', 'https://app.test/callback#'],
    ['an added query', 'https://app.test/callback?next=/admin'],
    ['an empty query', 'https://app.test/callback?'],
    ['a different registered query', 'https://app.test/cb?tenant=b'],
    ['the registered query plus more', 'https://app.test/cb?tenant=a&x=1'],
    ['the registered path without its query', 'https://app.test/cb'],
    ['dot segments', 'https://app.test/x/../callback'],
    ['a backslash', 'https:\\\\app.test/callback'],
    ['surrounding whitespace', ' https://app.test/callback'],
    ['the empty string', ''],
    ['not a URI', 'callback'],
  ])('refuses %s', (_name, given) => {
    expect(matchesRegisteredRedirect(web, given)).toBe(false);
  });

  describe('loopback redirect URIs of native apps (RFC 8252 §7.3)', () => {
    const native = clientWith('http://127.0.0.1/cb', 'http://[::1]/cb?x=1');

    it.each([
      ['127.0.0.1 without a port', 'http://127.0.0.1/cb'],
      ['127.0.0.1 on an ephemeral port', 'http://127.0.0.1:51004/cb'],
      ['127.0.0.1 on port 1', 'http://127.0.0.1:1/cb'],
      ['127.0.0.1 on the highest port', 'http://127.0.0.1:65535/cb'],
      ['[::1] without a port', 'http://[::1]/cb?x=1'],
      ['[::1] on an ephemeral port', 'http://[::1]:49152/cb?x=1'],
    ])('accepts %s', (_name, given) => {
      expect(matchesRegisteredRedirect(native, given)).toBe(true);
    });

    it('accepts any port also when the registered URI names one', () => {
      const registeredWithPort = clientWith('http://127.0.0.1:3000/cb');
      expect(matchesRegisteredRedirect(registeredWithPort, 'http://127.0.0.1:3000/cb')).toBe(true);
      expect(matchesRegisteredRedirect(registeredWithPort, 'http://127.0.0.1:4000/cb')).toBe(true);
      expect(matchesRegisteredRedirect(registeredWithPort, 'http://127.0.0.1/cb')).toBe(true);
    });

    it.each([
      ['another path', 'http://127.0.0.1:8080/callback'],
      ['a trailing slash', 'http://127.0.0.1:8080/cb/'],
      ['a longer path', 'http://127.0.0.1:8080/cb/more'],
      ['an added query', 'http://127.0.0.1:8080/cb?code=injected'],
      ['an empty query', 'http://127.0.0.1:8080/cb?'],
      ['another query on [::1]', 'http://[::1]:8080/cb?x=2'],
      ['no query on [::1]', 'http://[::1]:8080/cb'],
      ['a fragment', 'http://127.0.0.1:8080/cb#x'],
      ['an encoded slash', 'http://127.0.0.1:8080%2Fcb'],
      ['an encoded path character', 'http://127.0.0.1:8080/c%62'],
      ['a host that starts with the loopback address', 'http://127.0.0.1.evil.com/cb'],
      ['a host that starts with the loopback address, with a port', 'http://127.0.0.1.evil.com:8080/cb'],
      ['userinfo before the loopback host', 'http://evil@127.0.0.1/cb'],
      ['userinfo before the loopback host, with a port', 'http://evil@127.0.0.1:8080/cb'],
      ['user and password before the loopback host', 'http://a:b@127.0.0.1:8080/cb'],
      ['an empty userinfo', 'http://@127.0.0.1:8080/cb'],
      ['the loopback address as userinfo', 'http://127.0.0.1:8080@evil.com/cb'],
      ['https instead of http', 'https://127.0.0.1:8080/cb'],
      ['an upper-case scheme', 'HTTP://127.0.0.1:8080/cb'],
      ['a shortened IPv4 form', 'http://127.1:8080/cb'],
      ['a hexadecimal IPv4 form', 'http://0x7f.0.0.1:8080/cb'],
      ['a decimal IPv4 form', 'http://2130706433:8080/cb'],
      ['a trailing dot on the address', 'http://127.0.0.1.:8080/cb'],
      ['another loopback address', 'http://127.0.0.2:8080/cb'],
      ['the unspecified address', 'http://0.0.0.0:8080/cb'],
      ['a long IPv6 loopback form', 'http://[0:0:0:0:0:0:0:1]:8080/cb?x=1'],
      ['the IPv4 host for a registered IPv6 host', 'http://127.0.0.1:8080/cb?x=1'],
      ['a backslash after the scheme', 'http:\\\\127.0.0.1:8080/cb'],
      ['a tab inside the port', 'http://127.0.0.1:80\t80/cb'],
    ])('refuses %s', (_name, given) => {
      expect(matchesRegisteredRedirect(native, given)).toBe(false);
    });

    it('does not treat localhost as loopback: its port must match exactly', () => {
      const localhost = clientWith('http://localhost/cb', 'http://localhost:3000/app');
      expect(matchesRegisteredRedirect(localhost, 'http://localhost/cb')).toBe(true);
      expect(matchesRegisteredRedirect(localhost, 'http://localhost:3000/app')).toBe(true);
      expect(matchesRegisteredRedirect(localhost, 'http://localhost:8080/cb')).toBe(false);
      expect(matchesRegisteredRedirect(localhost, 'http://localhost:3001/app')).toBe(false);
      expect(matchesRegisteredRedirect(localhost, 'http://localhost/app')).toBe(false);
    });

    it('gives no port leniency to other hosts or to https loopback registrations', () => {
      expect(matchesRegisteredRedirect(clientWith('http://app.test/cb'), 'http://app.test:8080/cb')).toBe(false);
      expect(matchesRegisteredRedirect(clientWith('https://127.0.0.1/cb'), 'https://127.0.0.1:8443/cb')).toBe(false);
    });

    it('does not let a loopback URI on one host match a registration on the other', () => {
      expect(matchesRegisteredRedirect(clientWith('http://127.0.0.1/cb'), 'http://[::1]:8080/cb')).toBe(false);
      expect(matchesRegisteredRedirect(clientWith('http://[::1]/cb'), 'http://127.0.0.1:8080/cb')).toBe(false);
    });
  });
});

describe('redirectWith', () => {
  it('adds the parameters, form-encoded', () => {
    const location = new URL(redirectWith('https://app.test/cb', { code: 'a+b/c=d&e', state: 'x y' }));
    expect(location.origin + location.pathname).toBe('https://app.test/cb');
    expect(location.search).toBe('?code=a%2Bb%2Fc%3Dd%26e&state=x+y');
    expect(location.searchParams.get('code')).toBe('a+b/c=d&e');
    expect(location.searchParams.get('state')).toBe('x y');
  });

  it('keeps the query the redirect URI was registered with, before the added parameters', () => {
    const location = redirectWith('https://app.test/cb?tenant=a&lang=en', { code: 'c1', iss: 'https://issuer.test' });
    expect(location).toBe('https://app.test/cb?tenant=a&lang=en&code=c1&iss=https%3A%2F%2Fissuer.test');
  });

  it('appends rather than replaces a parameter the registered query already has', () => {
    const location = new URL(redirectWith('https://app.test/cb?state=registered', { state: 'sent' }));
    expect(location.searchParams.getAll('state')).toEqual(['registered', 'sent']);
  });

  it('leaves out undefined parameters, but keeps empty strings', () => {
    const location = new URL(redirectWith('https://app.test/cb', { code: 'c1', state: undefined, empty: '' }));
    expect([...location.searchParams.keys()]).toEqual(['code', 'empty']);
    expect(location.searchParams.get('empty')).toBe('');
  });

  it('keeps the loopback port the client actually used', () => {
    expect(redirectWith('http://127.0.0.1:51004/cb', { code: 'c1' })).toBe('http://127.0.0.1:51004/cb?code=c1');
    expect(redirectWith('http://[::1]:51004/cb', { code: 'c1' })).toBe('http://[::1]:51004/cb?code=c1');
  });

  it('leaves the URI alone when every parameter is undefined', () => {
    expect(redirectWith('https://app.test/cb?a=1', { state: undefined })).toBe('https://app.test/cb?a=1');
  });
});
