import { normaliseEmail, type ClientRecord, type UserRecord } from '@grantline/lib-projections';
import { openIdSubject } from '../openid/subject';
import type { AuthorizationRequest } from './authorization-request';
import type { SignedInPerson } from './authentication-step';

/**
 * The signed-in person as the next step sees them: when they signed in, and whether the request's
 * hints name someone else. A login_hint names a person only when it is an email; any other hint
 * (an opaque one some clients send) only pre-fills the form. An id_token_hint's `sub` is compared
 * with the subject this client knows the person by (public or pairwise, Core §8).
 */
export function signedInPerson(
  authTime: number,
  user: UserRecord,
  request: Pick<AuthorizationRequest, 'openid'>,
  client: Pick<ClientRecord, 'clientId' | 'openid' | 'redirectUris'>,
  pairwiseSalt: string | null,
): SignedInPerson {
  const loginHint = request.openid?.loginHint;
  const idTokenHint = request.openid?.idTokenHint;
  return {
    authTime,
    otherThanLoginHint:
      loginHint !== undefined && loginHint.includes('@') && normaliseEmail(loginHint) !== normaliseEmail(user.email),
    otherThanIdTokenHint:
      idTokenHint !== undefined && idTokenHint.sub !== openIdSubject(client, user.userId, pairwiseSalt),
  };
}
