import { ConfigError, describeSettings, loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      GRANTLINE_ISSUER: 'http://localhost:3000',
      PORT: 3000,
      GRANTLINE_INTROSPECTION_ALLOW_UNAUTHENTICATED: false,
      GRANTLINE_ACCESS_TOKEN_TTL: 3600,
    });
  });

  it('parses flags and numbers from strings', () => {
    const config = loadConfig({ GRANTLINE_INTROSPECTION_ALLOW_UNAUTHENTICATED: 'true', PORT: '8080' });
    expect(config.GRANTLINE_INTROSPECTION_ALLOW_UNAUTHENTICATED).toBe(true);
    expect(config.PORT).toBe(8080);
  });

  it('names every bad key in one error', () => {
    expect(() => loadConfig({ PORT: 'abc', GRANTLINE_ISSUER: 'not a url', GRANTLINE_ADMIN_TOKEN: 'short' })).toThrow(
      expect.objectContaining({
        name: ConfigError.name,
        message: expect.stringMatching(/PORT[\s\S]*GRANTLINE_ISSUER|GRANTLINE_ISSUER[\s\S]*PORT/),
      }),
    );
  });

  it('describes every setting', () => {
    expect(describeSettings().every((setting) => setting.description.length > 0)).toBe(true);
  });
});
