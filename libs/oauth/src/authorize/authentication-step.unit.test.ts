import { nextAuthenticationStep, type AuthenticationStep, type SignedInPerson } from './authentication-step';
import type { AuthorizationRequest } from './authorization-request';
import type { Prompt } from './openid-request';

const NOW = 1_767_225_600;

function request(prompts: Prompt[] = [], maxAge?: number): Pick<AuthorizationRequest, 'prompts' | 'openid'> {
  return {
    ...(prompts.length === 0 ? {} : { prompts }),
    ...(maxAge === undefined ? {} : { openid: { maxAge } }),
  };
}

function person(overrides: Partial<SignedInPerson> = {}): SignedInPerson {
  return { authTime: NOW - 60, otherThanLoginHint: false, otherThanIdTokenHint: false, ...overrides };
}

const signIn: AuthenticationStep = { kind: 'sign-in' };
const consent: AuthenticationStep = { kind: 'consent' };
const issue: AuthenticationStep = { kind: 'issue' };
const refused = (error: string) => expect.objectContaining({ kind: 'refuse', error });

describe('the next step of an authorization request (OpenID Connect Core §3.1.2.3, §3.1.2.6)', () => {
  describe('given nobody is signed in', () => {
    it.each<[string, Prompt[], unknown]>([
      ['no prompt', [], signIn],
      ['prompt=login', ['login'], signIn],
      ['prompt=consent', ['consent'], signIn],
      ['prompt=select_account', ['select_account'], signIn],
      ['prompt=none', ['none'], refused('login_required')],
    ])('with %s', (_name, prompts, expected) => {
      expect(nextAuthenticationStep(request(prompts), null, false, NOW)).toEqual(expected);
    });
  });

  describe('given someone is signed in', () => {
    it.each<[string, Prompt[], Partial<SignedInPerson>, boolean, unknown]>([
      ['a remembered consent', [], {}, false, issue],
      ['a missing consent', [], {}, true, consent],
      ['prompt=consent', ['consent'], {}, false, consent],
      ['prompt=none and a remembered consent', ['none'], {}, false, issue],
      ['prompt=none and a missing consent', ['none'], {}, true, refused('consent_required')],
      ['prompt=login', ['login'], {}, false, signIn],
      ['prompt=select_account', ['select_account'], {}, false, { kind: 'select-account' }],
      ['a login_hint naming someone else', [], { otherThanLoginHint: true }, false, signIn],
      ['an id_token_hint naming someone else', [], { otherThanIdTokenHint: true }, false, signIn],
      [
        'prompt=none and an id_token_hint naming someone else',
        ['none'],
        { otherThanIdTokenHint: true },
        false,
        refused('login_required'),
      ],
      [
        'prompt=none and a login_hint naming someone else',
        ['none'],
        { otherThanLoginHint: true },
        false,
        refused('login_required'),
      ],
    ])('with %s', (_name, prompts, who, consentMissing, expected) => {
      expect(nextAuthenticationStep(request(prompts), person(who), consentMissing, NOW)).toEqual(expected);
    });

    it.each<[string, number, Prompt[], unknown]>([
      ['a sign-in younger than max_age', 120, [], issue],
      ['a sign-in exactly max_age old', 60, [], issue],
      ['a sign-in older than max_age', 59, [], signIn],
      ['max_age=0 a second later', 0, [], signIn],
      ['prompt=none and a sign-in older than max_age', 59, ['none'], refused('login_required')],
    ])('with %s', (_name, maxAge, prompts, expected) => {
      expect(nextAuthenticationStep(request(prompts, maxAge), person(), false, NOW)).toEqual(expected);
    });
  });

  describe('given the person signed in on this trip', () => {
    const justNow = { signedIn: true, accountChosen: true };

    it('does not ask again for prompt=login, max_age=0, select_account or a hint', () => {
      const stale = person({ authTime: NOW - 2, otherThanLoginHint: true, otherThanIdTokenHint: true });
      expect(nextAuthenticationStep(request(['login', 'select_account'], 0), stale, false, NOW, justNow)).toEqual(
        issue,
      );
    });

    it('still asks for consent, which the sign-in did not give', () => {
      expect(nextAuthenticationStep(request(['login', 'consent']), person(), false, NOW, justNow)).toEqual(consent);
    });
  });

  it('does not show the account choice twice once the person chose, but still checks max_age', () => {
    const chosen = { signedIn: false, accountChosen: true };
    expect(nextAuthenticationStep(request(['select_account']), person(), true, NOW, chosen)).toEqual(consent);
    expect(nextAuthenticationStep(request(['select_account'], 10), person(), false, NOW, chosen)).toEqual(signIn);
  });
});
