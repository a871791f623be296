import { ConfigError, loadConfig } from '@grantline/lib-config';
import { readTrustedIssuers } from './trusted-issuers-file';

const ENTRY = { issuer: 'https://cluster.test', jwks_uri: 'https://cluster.test/jwks', client_id: 'workloads' };
const DOCUMENT = JSON.stringify({ issuers: [ENTRY] });

const reading = (text: string) => (path: string) => {
  if (path !== 'issuers.json') throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return text;
};

describe('readTrustedIssuers', () => {
  it('trusts nobody without either setting', () => {
    expect(readTrustedIssuers(loadConfig({}), reading(DOCUMENT)).issuers).toEqual([]);
  });

  it('reads the issuers from the setting or from the file, with their defaults', () => {
    const inline = readTrustedIssuers(loadConfig({ GRANTLINE_TRUSTED_ISSUERS: DOCUMENT }));
    const file = readTrustedIssuers(loadConfig({ GRANTLINE_TRUSTED_ISSUERS_FILE: 'issuers.json' }), reading(DOCUMENT));
    expect(file).toEqual(inline);
    expect(inline.issuers[0]).toMatchObject({ ...ENTRY, subject_claim: 'sub', require_jti_once: false });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a missing file', { GRANTLINE_TRUSTED_ISSUERS_FILE: 'other.json' }, /cannot read other.json \(ENOENT\)/],
    ['text that is not JSON', { GRANTLINE_TRUSTED_ISSUERS: '{issuers' }, /GRANTLINE_TRUSTED_ISSUERS is not JSON/],
    [
      'an entry without keys',
      { GRANTLINE_TRUSTED_ISSUERS: JSON.stringify({ issuers: [{ issuer: 'https://x.test', client_id: 'w' }] }) },
      /issuers\.0\.jwks: exactly one of jwks and jwks_uri/,
    ],
  ])('stops the service for %s, naming the problem', (_, env, message) => {
    expect(() => readTrustedIssuers(loadConfig(env), reading(DOCUMENT))).toThrow(ConfigError);
    expect(() => readTrustedIssuers(loadConfig(env), reading(DOCUMENT))).toThrow(message);
  });

  it('refuses both settings at once', () => {
    expect(() =>
      loadConfig({ GRANTLINE_TRUSTED_ISSUERS: DOCUMENT, GRANTLINE_TRUSTED_ISSUERS_FILE: 'issuers.json' }),
    ).toThrow(/not both/);
  });
});
