import { ConfigError, loadConfig } from './load-config';
import { minimumTokensRetention } from './schema';

const DAY = 24 * 60 * 60;

describe('GRANTLINE_TOKENS_RETENTION', () => {
  it('defaults to 30 days, which covers the default lifetimes', () => {
    expect(loadConfig({}).GRANTLINE_TOKENS_RETENTION).toBe(30 * DAY);
  });

  it('must cover the default refresh-token idle lifetime (14 days) plus a day', () => {
    expect(minimumTokensRetention({ GRANTLINE_ACCESS_TOKEN_TTL: 3600, GRANTLINE_DEVICE_CODE_TTL: 600 })).toBe(15 * DAY);
    expect(loadConfig({ GRANTLINE_TOKENS_RETENTION: String(15 * DAY) }).GRANTLINE_TOKENS_RETENTION).toBe(15 * DAY);
    expect(() => loadConfig({ GRANTLINE_TOKENS_RETENTION: String(15 * DAY - 1) })).toThrow(
      expect.objectContaining({
        name: ConfigError.name,
        message: expect.stringContaining(`GRANTLINE_TOKENS_RETENTION: must be at least ${15 * DAY} s, not`),
      }),
    );
  });

  it('grows with a longer access token lifetime, and states the rule', () => {
    const env = { GRANTLINE_ACCESS_TOKEN_TTL: String(40 * DAY), GRANTLINE_TOKENS_RETENTION: String(30 * DAY) };
    expect(() => loadConfig(env)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(
          /Rule: GRANTLINE_TOKENS_RETENTION >= max\(GRANTLINE_ACCESS_TOKEN_TTL, .*\) \+ 86400 s; here max\(3456000, 1209600, 4200\) \+ 86400 = 3542400\./,
        ),
      }),
    );
    expect(loadConfig({ ...env, GRANTLINE_TOKENS_RETENTION: String(41 * DAY) }).GRANTLINE_ACCESS_TOKEN_TTL).toBe(
      40 * DAY,
    );
  });

  it('is reported with the other bad keys only once they parse', () => {
    expect(() => loadConfig({ GRANTLINE_TOKENS_RETENTION: 'soon' })).toThrow(/GRANTLINE_TOKENS_RETENTION: /);
  });
});

describe('GRANTLINE_REDIS_EVICTION_CHECK', () => {
  it("defaults to 'config-get' and accepts 'skip' only besides", () => {
    expect(loadConfig({}).GRANTLINE_REDIS_EVICTION_CHECK).toBe('config-get');
    expect(loadConfig({ GRANTLINE_REDIS_EVICTION_CHECK: 'skip' }).GRANTLINE_REDIS_EVICTION_CHECK).toBe('skip');
    expect(() => loadConfig({ GRANTLINE_REDIS_EVICTION_CHECK: 'off' })).toThrow(/GRANTLINE_REDIS_EVICTION_CHECK/);
  });
});
