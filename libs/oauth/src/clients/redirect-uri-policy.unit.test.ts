import { registerClientSchema, updateClientSchema } from './client-input';
import { redirectUriRefusal } from './redirect-uri-policy';

describe('redirect URIs a client may register', () => {
  it.each([
    ['https anywhere', 'https://app.test/cb'],
    ['a loopback IPv4 listener', 'http://127.0.0.1/oauth/callback'],
    ['a loopback IPv4 listener with a port', 'http://127.0.0.1:8080/cb'],
    ['a loopback IPv6 listener', 'http://[::1]:8080/cb'],
    ['localhost', 'http://localhost/callback'],
    ['localhost in capitals (hosts are case-insensitive)', 'http://LOCALHOST/callback'],
    ['a reverse-DNS private-use scheme', 'com.example.app:/oauth2redirect'],
    ['another private-use scheme', 'yourapp://oauth/callback'],
  ])('accepts %s', (_name, uri) => {
    expect(redirectUriRefusal(uri)).toBeNull();
    expect(registerClientSchema.safeParse({ name: 'app', redirect_uris: [uri] }).success).toBe(true);
  });

  it.each([
    ['plain http on a public host', 'http://app.test/callback'],
    ['plain http on a host that merely starts with localhost', 'http://localhost.evil.test/cb'],
    ['plain http on a private address', 'http://10.0.0.5/cb'],
    ['plain http on another loopback address', 'http://127.0.0.2/cb'],
    ['javascript', 'javascript:alert(1)//'],
    ['data', 'data:text/html,<script>alert(1)</script>'],
    ['vbscript', 'vbscript:msgbox(1)'],
    ['file', 'file:///etc/passwd'],
    ['a websocket', 'ws://app.test/cb'],
  ])('refuses %s at registration and update', (_name, uri) => {
    expect(redirectUriRefusal(uri)).not.toBeNull();
    expect(registerClientSchema.safeParse({ name: 'app', redirect_uris: [uri] }).success).toBe(false);
    expect(updateClientSchema.safeParse({ redirect_uris: ['https://app.test/cb', uri] }).success).toBe(false);
  });

  it('names the rule in the refusal', () => {
    const result = registerClientSchema.safeParse({ name: 'app', redirect_uris: ['http://app.test/cb'] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('RFC 9700 §2.6');
  });

  it('leaves a string that is no URI to the URI check', () => {
    expect(redirectUriRefusal('not a uri')).toBeNull();
    expect(registerClientSchema.safeParse({ name: 'app', redirect_uris: ['not a uri'] }).success).toBe(false);
  });
});
