import { exportJWK, generateKeyPair } from 'jose';
import { MemoryFetcher } from '@grantline/lib-testing';
import { IssuerKeys, IssuerKeysUnavailable } from './issuer-keys';

const URI = 'https://cluster.test/openid/v1/jwks';

/** A clock that moves only when told, in seconds. */
class SteppedClock {
  private ms = Date.parse('2026-12-01T09:00:00Z');
  now = () => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

describe('an issuer’s keys at a URL', () => {
  it('fetches once for requests that arrive together, and keeps the set within its bounds', async () => {
    const { publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const fetcher = new MemoryFetcher().serve(URI, { keys: [jwk] }, 86_400);
    const clock = new SteppedClock();
    const keys = new IssuerKeys({ jwksUri: URI }, fetcher, clock);
    const header = { alg: 'ES256', kid: 'k1' };
    await Promise.all(Array.from({ length: 5 }, () => keys.keyFor(header)));
    expect(fetcher.fetched).toHaveLength(1);
    // A day's max-age is held to an hour.
    clock.advance(3599);
    await keys.keyFor(header);
    expect(fetcher.fetched).toHaveLength(1);
    clock.advance(2);
    await keys.keyFor(header);
    expect(fetcher.fetched).toHaveLength(2);
  });

  it('is unavailable, not refused, when the set was never read or is not a key set', async () => {
    const clock = new SteppedClock();
    const missing = new IssuerKeys({ jwksUri: URI }, new MemoryFetcher(), clock);
    await expect(missing.keyFor({ alg: 'ES256' })).rejects.toBeInstanceOf(IssuerKeysUnavailable);
    const html = new IssuerKeys({ jwksUri: URI }, new MemoryFetcher().serve(URI, { keys: 'none' }), clock);
    await expect(html.keyFor({ alg: 'ES256' })).rejects.toBeInstanceOf(IssuerKeysUnavailable);
  });
});
