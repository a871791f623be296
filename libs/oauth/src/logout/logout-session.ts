import { eventContext } from '../access-token-issuer';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { endSession, type SessionEndOutcome } from '../sessions/session-end';
import type { BrowserSessionFacts, LogoutRequest } from './logout-request';

/**
 * Ends the browser's session for a logout, in the name of the client that asked (if known).
 * A session sealed before sessions had ids cannot be named: clearing its cookie is all there is.
 * A session that already ended stays ended, and nothing more is recorded.
 */
export async function logOut(
  context: OAuthContext,
  request: OAuthRequest,
  session: BrowserSessionFacts,
  logout: LogoutRequest,
): Promise<SessionEndOutcome> {
  if (session.sessionId === undefined) return { ended: false };
  const named = { sessionId: session.sessionId, userId: session.userId };
  return endSession(context, eventContext(context, request), named, 'logout', logout.client?.clientId ?? null);
}
