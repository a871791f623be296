import { plainOpenIdClient } from '@grantline/lib-events';
import { clientSnapshot } from '@grantline/lib-testing';
import type { UserRecord } from '@grantline/lib-projections';
import { openIdSubject } from '../openid/subject';
import { signedInPerson } from './signed-in-person';

const SALT = 'pairwise-salt-for-tests-0123456789abcdef';
const ada = { userId: 'user-ada', email: 'ada@example.test' } as UserRecord;
const publicClient = clientSnapshot({ clientId: 'rp', redirectUris: ['https://rp.test/cb'] });
const pairwiseClient = clientSnapshot({
  clientId: 'pw',
  redirectUris: ['https://pw.test/cb'],
  openid: { ...plainOpenIdClient(), subjectType: 'pairwise' },
});

describe('the signed-in person as the hints see them', () => {
  it.each([
    ['no hint', undefined, false],
    ['their own email', 'ada@example.test', false],
    ['their own email in other case and spacing', ' ADA@Example.test ', false],
    ['another email', 'bob@example.test', true],
    ['an opaque hint, which only pre-fills', 'user-bob', false],
  ])('a login_hint of %s names someone else: %s', (_name, loginHint, other) => {
    const request = { openid: loginHint === undefined ? {} : { loginHint } };
    expect(signedInPerson(100, ada, request, publicClient, null).otherThanLoginHint).toBe(other);
  });

  it('compares an id_token_hint with the subject this client knows the person by', () => {
    const hint = (sub: string) => ({ openid: { idTokenHint: { sub, aud: ['pw'] } } });
    const theirs = openIdSubject(pairwiseClient, ada.userId, SALT);
    expect(signedInPerson(100, ada, hint(theirs), pairwiseClient, SALT).otherThanIdTokenHint).toBe(false);
    expect(signedInPerson(100, ada, hint(ada.userId), pairwiseClient, SALT).otherThanIdTokenHint).toBe(true);
    expect(signedInPerson(100, ada, hint(ada.userId), publicClient, SALT)).toEqual({
      authTime: 100,
      otherThanLoginHint: false,
      otherThanIdTokenHint: false,
    });
  });
});
