import { clientIdUrlRefusal, isClientIdUrl } from './client-id-url';

describe('client identifier URLs (draft-ietf-oauth-client-id-metadata-document §3)', () => {
  it.each([
    'https://app.example.com/oauth/client.json',
    'https://app.example.com:8443/client',
    'https://app.example.com/client?version=2',
    'https://127.0.0.1:9443/client-metadata.json',
  ])('accepts %s', (url) => {
    expect(clientIdUrlRefusal(url)).toBeNull();
  });

  it.each([
    ['http://app.example.com/client.json', 'https'],
    ['https://app.example.com', 'path'],
    ['https://app.example.com/', 'path'],
    ['https://app.example.com/client.json#main', 'fragment'],
    ['https://user:pass@app.example.com/client.json', 'user info'],
    ['https://user@app.example.com/client.json', 'user info'],
    ['https://app.example.com/a/../client.json', '. or ..'],
    ['https://app.example.com/./client.json', '. or ..'],
    ['https://app.example.com/a/%2e%2E/client.json', '. or ..'],
    ['https://APP.example.com/client.json', 'written as'],
    ['https://app.example.com/cli ent.json', 'written as'],
    ['https://', 'https URL'],
    [`https://app.example.com/${'a'.repeat(2100)}`, 'at most'],
  ])('refuses %s (%s)', (url, reason) => {
    expect(clientIdUrlRefusal(url)).toContain(reason);
  });

  it('takes only https ids for URLs; every other id is a registered client', () => {
    expect(isClientIdUrl('https://app.example.com/client.json')).toBe(true);
    expect(isClientIdUrl('demo-spa')).toBe(false);
    expect(isClientIdUrl('http://app.example.com/client.json')).toBe(false);
  });
});
