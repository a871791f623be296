import { ConfigError, loadConfig } from './load-config';

const SECRET = 'hunter2-very-secret';
const sasl = { GRANTLINE_KAFKA_SASL_USERNAME: 'grantline', GRANTLINE_KAFKA_SASL_PASSWORD: SECRET };

function problemOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the settings were accepted');
}

describe('Kafka TLS and SASL settings', () => {
  it('default to plain connections without SASL', () => {
    const config = loadConfig({});
    expect(config.GRANTLINE_KAFKA_TLS).toBe(false);
    expect(config.GRANTLINE_KAFKA_TLS_CA_FILE).toBeUndefined();
    expect(config.GRANTLINE_KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('accept SASL %s with both credentials', (mechanism) => {
    const config = loadConfig({ GRANTLINE_KAFKA_SASL_MECHANISM: mechanism, ...sasl });
    expect(config.GRANTLINE_KAFKA_SASL_MECHANISM).toBe(mechanism);
    expect(config.GRANTLINE_KAFKA_SASL_USERNAME).toBe('grantline');
  });

  it('refuse an unknown mechanism', () => {
    expect(problemOf({ GRANTLINE_KAFKA_SASL_MECHANISM: 'gssapi', ...sasl })).toMatch(
      /GRANTLINE_KAFKA_SASL_MECHANISM: /,
    );
  });

  it('refuse a mechanism without a password, naming what is missing', () => {
    const message = problemOf({ GRANTLINE_KAFKA_SASL_MECHANISM: 'scram-sha-512', GRANTLINE_KAFKA_SASL_USERNAME: 'u' });
    expect(message).toContain(
      'GRANTLINE_KAFKA_SASL_MECHANISM: SASL for Kafka needs a user name and a password: set GRANTLINE_KAFKA_SASL_PASSWORD too.',
    );
  });

  it('refuse a mechanism without any credentials', () => {
    expect(problemOf({ GRANTLINE_KAFKA_SASL_MECHANISM: 'plain' })).toContain(
      'set GRANTLINE_KAFKA_SASL_USERNAME and GRANTLINE_KAFKA_SASL_PASSWORD too.',
    );
  });

  it('refuse credentials without a mechanism, and never show the password', () => {
    const message = problemOf({ ...sasl });
    expect(message).toContain('GRANTLINE_KAFKA_SASL_MECHANISM: Kafka SASL credentials are set but no mechanism');
    expect(message).not.toContain(SECRET);
    expect(problemOf({ GRANTLINE_KAFKA_SASL_PASSWORD: SECRET })).not.toContain(SECRET);
  });

  it('read GRANTLINE_KAFKA_TLS as a flag, and refuse a CA file without TLS', () => {
    expect(loadConfig({ GRANTLINE_KAFKA_TLS: 'true' }).GRANTLINE_KAFKA_TLS).toBe(true);
    expect(loadConfig({ GRANTLINE_KAFKA_TLS: 'true', GRANTLINE_KAFKA_TLS_CA_FILE: 'ca.crt' })).toMatchObject({
      GRANTLINE_KAFKA_TLS_CA_FILE: 'ca.crt',
    });
    expect(problemOf({ GRANTLINE_KAFKA_TLS_CA_FILE: 'ca.crt' })).toContain(
      'GRANTLINE_KAFKA_TLS_CA_FILE: a CA file is set but GRANTLINE_KAFKA_TLS is false',
    );
    expect(problemOf({ GRANTLINE_KAFKA_TLS: 'yes' })).toMatch(/GRANTLINE_KAFKA_TLS: /);
  });
});

describe('GRANTLINE_REDIS_TLS_CA_FILE', () => {
  it('goes with a rediss:// URL', () => {
    const config = loadConfig({ REDIS_URL: 'rediss://redis.example:6380', GRANTLINE_REDIS_TLS_CA_FILE: 'ca.crt' });
    expect(config.GRANTLINE_REDIS_TLS_CA_FILE).toBe('ca.crt');
  });

  it('is refused with a redis:// URL, without showing the URL (it may carry a password)', () => {
    const message = problemOf({ REDIS_URL: 'redis://:pw-in-url@redis:6379', GRANTLINE_REDIS_TLS_CA_FILE: 'ca.crt' });
    expect(message).toContain('GRANTLINE_REDIS_TLS_CA_FILE: a CA file is set but the Redis URL is not rediss://');
    expect(message).not.toContain('pw-in-url');
  });
});
