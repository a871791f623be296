import { clientSnapshot } from '@grantline/lib-testing';
import { plainOpenIdClient } from '@grantline/lib-events';
import { openIdSubject, sectorHostOf } from './subject';

const SALT = 'pairwise-salt-for-tests-0123456789abcdef';
const USER = '01HZX0000000000000000000A1';

function pairwise(clientId: string, redirectUris: string[], sectorIdentifierHost: string | null = null) {
  return clientSnapshot({
    clientId,
    redirectUris,
    openid: { ...plainOpenIdClient(), subjectType: 'pairwise', sectorIdentifierHost },
  });
}

describe('OpenID Connect subjects', () => {
  it('tells a public-subject client the user id', () => {
    expect(openIdSubject(clientSnapshot({ clientId: 'app' }), USER, SALT)).toBe(USER);
  });

  it('gives clients of one sector the same pairwise subject, and other sectors another', () => {
    const one = openIdSubject(pairwise('a', ['https://app.example.test/cb']), USER, SALT);
    const sameHost = openIdSubject(pairwise('b', ['https://app.example.test/other']), USER, SALT);
    const otherHost = openIdSubject(pairwise('c', ['https://elsewhere.example.test/cb']), USER, SALT);
    expect(one).toBe(sameHost);
    expect(one).not.toBe(otherHost);
    expect(one).not.toContain(USER);
    expect(openIdSubject(pairwise('a', ['https://app.example.test/cb']), USER, `${SALT}x`)).not.toBe(one);
  });

  it('takes the registered sector host over the redirect URIs', () => {
    const client = pairwise('a', ['https://one.example.test/cb', 'https://two.example.test/cb'], 'sector.example.test');
    expect(sectorHostOf(client)).toBe('sector.example.test');
    expect(sectorHostOf(pairwise('b', ['https://one.example.test/cb', 'https://two.example.test/cb']))).toBeNull();
  });

  it('refuses to make a pairwise subject without a salt or a sector', () => {
    expect(() => openIdSubject(pairwise('a', ['https://app.example.test/cb']), USER, null)).toThrow(/Pairwise/);
    expect(() =>
      openIdSubject(pairwise('b', ['https://one.example.test/cb', 'https://two.example.test/cb']), USER, SALT),
    ).toThrow(/Pairwise/);
  });
});
