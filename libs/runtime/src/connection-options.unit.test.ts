import { ConfigError, loadConfig } from '@grantline/lib-config';
import { kafkaConnectionSecurity } from './kafka-client-options';
import { redisConnectionOptions } from './redis-client-options';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const SECRET = 'hunter2-very-secret';

/** A file system holding one CA file; every other path is missing. */
function files(path: string, text = PEM) {
  const reads: string[] = [];
  const read = (wanted: string) => {
    reads.push(wanted);
    if (wanted !== path) throw Object.assign(new Error(`ENOENT: no such file, open '${wanted}'`), { code: 'ENOENT' });
    return text;
  };
  return { read, reads };
}

describe('kafkaConnectionSecurity', () => {
  it('asks for neither TLS nor SASL by default, and reads nothing', () => {
    const { read, reads } = files('ca.crt');
    expect(kafkaConnectionSecurity(loadConfig({}), read)).toEqual({});
    expect(reads).toEqual([]);
  });

  it('uses the system CAs for TLS without a CA file', () => {
    expect(kafkaConnectionSecurity(loadConfig({ GRANTLINE_KAFKA_TLS: 'true' }))).toEqual({ ssl: true });
  });

  it('reads the CA file once and trusts only it', () => {
    const { read, reads } = files('/etc/ca.crt');
    const config = loadConfig({ GRANTLINE_KAFKA_TLS: 'true', GRANTLINE_KAFKA_TLS_CA_FILE: '/etc/ca.crt' });
    expect(kafkaConnectionSecurity(config, read)).toEqual({ ssl: { ca: [PEM] } });
    expect(reads).toEqual(['/etc/ca.crt']);
  });

  it('names the setting and the path when the CA file cannot be read', () => {
    const { read } = files('/etc/ca.crt');
    const config = loadConfig({ GRANTLINE_KAFKA_TLS: 'true', GRANTLINE_KAFKA_TLS_CA_FILE: '/etc/missing.crt' });
    expect(() => kafkaConnectionSecurity(config, read)).toThrow(
      new ConfigError('GRANTLINE_KAFKA_TLS_CA_FILE: cannot read the CA file /etc/missing.crt (ENOENT)'),
    );
  });

  it('refuses a CA file that holds no certificate', () => {
    const { read } = files('/etc/ca.crt', 'not a certificate');
    const config = loadConfig({ GRANTLINE_KAFKA_TLS: 'true', GRANTLINE_KAFKA_TLS_CA_FILE: '/etc/ca.crt' });
    expect(() => kafkaConnectionSecurity(config, read)).toThrow(
      'GRANTLINE_KAFKA_TLS_CA_FILE: /etc/ca.crt holds no PEM',
    );
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('passes SASL %s with the credentials', (mechanism) => {
    const config = loadConfig({
      GRANTLINE_KAFKA_SASL_MECHANISM: mechanism,
      GRANTLINE_KAFKA_SASL_USERNAME: 'grantline',
      GRANTLINE_KAFKA_SASL_PASSWORD: SECRET,
    });
    expect(kafkaConnectionSecurity(config)).toEqual({ sasl: { mechanism, username: 'grantline', password: SECRET } });
  });

  it('combines TLS and SASL', () => {
    const config = loadConfig({
      GRANTLINE_KAFKA_TLS: 'true',
      GRANTLINE_KAFKA_SASL_MECHANISM: 'scram-sha-256',
      GRANTLINE_KAFKA_SASL_USERNAME: 'grantline',
      GRANTLINE_KAFKA_SASL_PASSWORD: SECRET,
    });
    expect(kafkaConnectionSecurity(config)).toMatchObject({ ssl: true, sasl: { mechanism: 'scram-sha-256' } });
  });
});

describe('redisConnectionOptions', () => {
  it('is the URL, prefix and command timeout alone without a CA file', () => {
    expect(redisConnectionOptions(loadConfig({ REDIS_URL: 'rediss://r:6380' }))).toEqual({
      url: 'rediss://r:6380',
      keyPrefix: 'grantline:',
      commandTimeoutMs: 1_000,
    });
    const patient = loadConfig({ REDIS_URL: 'redis://r:6379', GRANTLINE_REDIS_COMMAND_TIMEOUT_MS: '3000' });
    expect(redisConnectionOptions(patient).commandTimeoutMs).toBe(3_000);
    expect(() => loadConfig({ GRANTLINE_REDIS_COMMAND_TIMEOUT_MS: '50' })).toThrow(
      'GRANTLINE_REDIS_COMMAND_TIMEOUT_MS',
    );
  });

  it('requires REDIS_URL unless a URL is given', () => {
    expect(() => redisConnectionOptions(loadConfig({}))).toThrow(new ConfigError('REDIS_URL must be set'));
    expect(redisConnectionOptions(loadConfig({}), { url: 'redis://other:6379' }).url).toBe('redis://other:6379');
  });

  it('trusts the CA file of a rediss:// URL', () => {
    const { read, reads } = files('/etc/redis-ca.crt');
    const config = loadConfig({ REDIS_URL: 'rediss://r:6380', GRANTLINE_REDIS_TLS_CA_FILE: '/etc/redis-ca.crt' });
    expect(redisConnectionOptions(config, { read })).toEqual({
      url: 'rediss://r:6380',
      keyPrefix: 'grantline:',
      commandTimeoutMs: 1_000,
      tls: { ca: PEM },
    });
    expect(reads).toEqual(['/etc/redis-ca.crt']);
  });

  it('refuses a CA file with a redis:// URL given instead of REDIS_URL, without reading it', () => {
    const { read, reads } = files('/etc/redis-ca.crt');
    const config = loadConfig({ REDIS_URL: 'rediss://r:6380', GRANTLINE_REDIS_TLS_CA_FILE: '/etc/redis-ca.crt' });
    expect(() => redisConnectionOptions(config, { url: 'redis://:pw@other:6379', read })).toThrow(
      new ConfigError('GRANTLINE_REDIS_TLS_CA_FILE: a CA file is set but the Redis URL is not rediss://'),
    );
    expect(reads).toEqual([]);
  });

  it('names the setting when the CA file cannot be read', () => {
    const { read } = files('/etc/redis-ca.crt');
    const config = loadConfig({ REDIS_URL: 'rediss://r:6380', GRANTLINE_REDIS_TLS_CA_FILE: '/nowhere/ca.crt' });
    expect(() => redisConnectionOptions(config, { read })).toThrow(
      'GRANTLINE_REDIS_TLS_CA_FILE: cannot read the CA file /nowhere/ca.crt (ENOENT)',
    );
  });
});
