import { ConfigError, loadConfig } from './load-config';

describe('GRANTLINE_FETCH_* settings', () => {
  it('default to a fetcher that reaches public https hosts only, within 5 s and 64 KiB', () => {
    expect(loadConfig({})).toMatchObject({
      GRANTLINE_FETCH_ALLOWED_HOSTS: [],
      GRANTLINE_FETCH_ALLOW_HTTP: false,
      GRANTLINE_FETCH_TIMEOUT_MS: 5000,
      GRANTLINE_FETCH_MAX_BYTES: 65536,
    });
    expect(loadConfig({}).GRANTLINE_FETCH_CA_FILE).toBeUndefined();
  });

  it('read the allowed hosts as a comma-separated list', () => {
    const config = loadConfig({ GRANTLINE_FETCH_ALLOWED_HOSTS: ' localhost, 127.0.0.1,[::1],*.test,, ' });
    expect(config.GRANTLINE_FETCH_ALLOWED_HOSTS).toEqual(['localhost', '127.0.0.1', '[::1]', '*.test']);
  });

  it.each([
    'https://localhost',
    'local host',
    '*',
    '*.',
    'a.*.test',
    'host:8080',
    'user@host',
    'cafe:8080',
    '[127.0.0.1]:443',
  ])('refuse %j as an allowed host', (hosts) => {
    expect(() => loadConfig({ GRANTLINE_FETCH_ALLOWED_HOSTS: hosts })).toThrow(
      expect.objectContaining({
        name: ConfigError.name,
        message: expect.stringContaining('GRANTLINE_FETCH_ALLOWED_HOSTS'),
      }),
    );
  });

  it.each([
    ['GRANTLINE_FETCH_TIMEOUT_MS', '0'],
    ['GRANTLINE_FETCH_TIMEOUT_MS', '600000'],
    ['GRANTLINE_FETCH_MAX_BYTES', '10'],
    ['GRANTLINE_FETCH_ALLOW_HTTP', 'yes'],
    ['GRANTLINE_FETCH_CA_FILE', ''],
  ])('refuse %s=%j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      expect.objectContaining({ message: expect.stringContaining(name) }),
    );
  });
});
