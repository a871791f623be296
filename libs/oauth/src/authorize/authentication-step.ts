import type { OAuthErrorCode } from '../errors';
import type { AuthorizationRequest } from './authorization-request';

/** The person the browser session holds, as far as the next step needs to know them. */
export interface SignedInPerson {
  /** When they last proved who they are (epoch seconds). */
  authTime: number;
  /** Whether the request's login_hint names someone else (an email that is not theirs). */
  otherThanLoginHint: boolean;
  /** Whether the request's id_token_hint names someone else. */
  otherThanIdTokenHint: boolean;
}

/** What this trip through the pages has already done, so it is not asked for twice. */
export interface DoneThisTrip {
  /** The person signed in just now: prompt=login, max_age and the hints are answered. */
  signedIn: boolean;
  /** The person chose the account on the select_account page. */
  accountChosen: boolean;
}

export type AuthenticationStep =
  | { kind: 'sign-in' }
  | { kind: 'select-account' }
  | { kind: 'consent' }
  | { kind: 'issue' }
  /** OpenID Connect Core §3.1.2.6: prompt=none, and the next step would need the person. */
  | { kind: 'refuse'; error: OAuthErrorCode; description: string };

const NOT_YET: DoneThisTrip = { signedIn: false, accountChosen: false };

/**
 * The next step of an authorization request (OpenID Connect Core §3.1.2.3, and the OAuth requests
 * that use prompt alike): sign in when nobody is, when prompt=login or max_age asks for a fresh
 * sign-in, or when a hint names another person; then the account choice prompt=select_account
 * asks for; then consent when it is missing or prompt=consent asks for it; then the code. With
 * prompt=none, any step that needs the person is an error instead.
 */
export function nextAuthenticationStep(
  request: Pick<AuthorizationRequest, 'prompts' | 'openid'>,
  person: SignedInPerson | null,
  consentMissing: boolean,
  now: number,
  done: DoneThisTrip = NOT_YET,
): AuthenticationStep {
  const prompts = request.prompts ?? [];
  const silent = prompts.includes('none');
  const refuse = (error: OAuthErrorCode, description: string): AuthenticationStep => ({
    kind: 'refuse',
    error,
    description,
  });
  if (person === null) {
    return silent ? refuse('login_required', 'The user is not signed in') : { kind: 'sign-in' };
  }
  if (!done.signedIn) {
    const maxAge = request.openid?.maxAge;
    // Core §3.1.2.1: max_age is the time allowed since the person last actively authenticated.
    const tooOld = maxAge !== undefined && person.authTime + maxAge < now;
    if (prompts.includes('login') || tooOld) {
      return silent ? refuse('login_required', 'The sign-in is older than max_age allows') : { kind: 'sign-in' };
    }
    if (person.otherThanLoginHint || person.otherThanIdTokenHint) {
      return silent ? refuse('login_required', 'Another user is signed in') : { kind: 'sign-in' };
    }
    if (prompts.includes('select_account') && !done.accountChosen) return { kind: 'select-account' };
  }
  if (consentMissing || prompts.includes('consent')) {
    return silent ? refuse('consent_required', 'The user has not approved this app') : { kind: 'consent' };
  }
  return { kind: 'issue' };
}
