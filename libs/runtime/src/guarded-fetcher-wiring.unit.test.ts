import { loadConfig } from '@grantline/lib-config';
import { RemoteFetchError } from '@grantline/lib-fetch';
import { noMetrics } from '@grantline/lib-telemetry';
import { guardedFetcher } from './oauth-context';

describe('the OAuth context fetcher, from the GRANTLINE_FETCH_* settings', () => {
  it('refuses plain http by default and counts the refusal', async () => {
    const outcomes: string[] = [];
    const fetcher = guardedFetcher(loadConfig({}), {
      ...noMetrics,
      remoteFetched: (outcome) => outcomes.push(outcome),
    });
    try {
      await expect(fetcher.fetchJson('http://client.example.com/metadata')).rejects.toEqual(
        expect.objectContaining({ name: RemoteFetchError.name, reason: 'refused-url' }),
      );
      await expect(fetcher.fetchJson('https://169.254.169.254/latest/meta-data/')).rejects.toEqual(
        expect.objectContaining({ reason: 'refused-address' }),
      );
      expect(outcomes).toEqual(['refused-url', 'refused-address']);
    } finally {
      await fetcher.close();
    }
  });

  it('stops at start when the CA file cannot be read, naming the setting', () => {
    const config = loadConfig({ GRANTLINE_FETCH_CA_FILE: '/nonexistent/fetch-ca.pem' });
    expect(() => guardedFetcher(config, noMetrics)).toThrow(/GRANTLINE_FETCH_CA_FILE: cannot read the CA file/);
  });
});
