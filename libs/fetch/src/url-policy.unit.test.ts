import { hostAllowList } from './allowed-hosts';
import { RemoteFetchError } from './remote-fetcher';
import { checkedUrl } from './url-policy';

const policy = {
  allowed: hostAllowList(['localhost', '127.0.0.1', '[::1]', '*.test']),
  allowHttpForAllowedHosts: false,
};

describe('checkedUrl', () => {
  it.each([
    'https://client.example.com/metadata.json',
    'https://client.example.com:8443/keys?x=1',
    'https://localhost/jwks',
    'https://[2606:4700::1111]/jwks',
  ])('takes %s', (url) => {
    expect(checkedUrl(url, policy).href).toBe(new URL(url).href);
  });

  it.each([
    ['not a url', 'is not a URL'],
    ['/relative', 'is not a URL'],
    ['http://client.example.com/', 'is not an https URL'],
    ['http://localhost/', 'is not an https URL'],
    ['ftp://client.example.com/', 'is not an https URL'],
    ['file:///etc/passwd', 'is not an https URL'],
    ['data:application/json,{}', 'is not an https URL'],
    ['https://user:pass@client.example.com/', 'carries credentials'],
    ['https://user@client.example.com/', 'carries credentials'],
    ['https://client.example.com/#frag', 'has a fragment'],
    ['https://client.example.com/#', 'has a fragment'],
  ])('refuses %s: %s', (url, why) => {
    expect(() => checkedUrl(url, policy)).toThrow(new RemoteFetchError('refused-url', `The URL ${why}`));
  });

  it('takes http only for allowed hosts, and only when told to', () => {
    const development = { ...policy, allowHttpForAllowedHosts: true };
    expect(checkedUrl('http://localhost:8080/x', development).host).toBe('localhost:8080');
    expect(checkedUrl('http://a.test/x', development).host).toBe('a.test');
    expect(() => checkedUrl('http://client.example.com/', development)).toThrow('is not an https URL');
  });
});

describe('hostAllowList', () => {
  const allowed = hostAllowList(['localhost', '127.0.0.1', '[::1]', '*.test', ' Example.ORG. ', '']);

  it.each(['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '[::1]', '::1', 'a.test', 'b.a.test', 'example.org'])(
    'allows %s',
    (host) => expect(allowed(host)).toBe(true),
  );

  it.each(['test', 'atest', 'a.test.evil.com', 'localhost.evil.com', '127.0.0.2', 'sub.example.org', '::2', ''])(
    'does not allow %s',
    (host) => expect(allowed(host)).toBe(false),
  );
});
