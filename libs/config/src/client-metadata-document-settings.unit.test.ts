import { loadConfig } from './load-config';

describe('GRANTLINE_CLIENT_METADATA_* settings', () => {
  it('default to documents accepted, no scopes, kept 60 s to a day (an hour without cache headers), failures 30 s', () => {
    expect(loadConfig({})).toMatchObject({
      GRANTLINE_CLIENT_METADATA_DOCUMENTS: true,
      GRANTLINE_CLIENT_METADATA_SCOPES: [],
      GRANTLINE_CLIENT_METADATA_CACHE_MIN: 60,
      GRANTLINE_CLIENT_METADATA_CACHE_MAX: 86_400,
      GRANTLINE_CLIENT_METADATA_CACHE_DEFAULT: 3600,
      GRANTLINE_CLIENT_METADATA_FAILURE_CACHE: 30,
    });
  });

  it('read the scopes space- or comma-separated, once each', () => {
    const config = loadConfig({ GRANTLINE_CLIENT_METADATA_SCOPES: 'orders:read, read read write' });
    expect(config.GRANTLINE_CLIENT_METADATA_SCOPES).toEqual(['orders:read', 'read', 'write']);
  });

  it.each([
    ['GRANTLINE_CLIENT_METADATA_DOCUMENTS', 'yes'],
    ['GRANTLINE_CLIENT_METADATA_SCOPES', 'read "write"'],
    ['GRANTLINE_CLIENT_METADATA_CACHE_MIN', '0'],
    ['GRANTLINE_CLIENT_METADATA_CACHE_MIN', '7200'],
    ['GRANTLINE_CLIENT_METADATA_FAILURE_CACHE', '0'],
  ])('refuse %s=%j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      expect.objectContaining({ message: expect.stringContaining(name) }),
    );
  });

  it('refuse a floor above the ceiling', () => {
    expect(() =>
      loadConfig({ GRANTLINE_CLIENT_METADATA_CACHE_MIN: '600', GRANTLINE_CLIENT_METADATA_CACHE_MAX: '60' }),
    ).toThrow(expect.objectContaining({ message: expect.stringContaining('GRANTLINE_CLIENT_METADATA_CACHE_MIN') }));
  });
});
