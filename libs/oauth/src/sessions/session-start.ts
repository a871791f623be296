import { stampEvent, type AuthenticationFacts, type GrantlineEvent } from '@grantline/lib-events';
import { eventContext } from '../access-token-issuer';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';

/** A browser session just sealed into the cookie. */
export interface StartedSession extends AuthenticationFacts {
  sessionId: string;
  userId: string;
  expiresAt: number;
}

/** A session the browser held before signing in again; it ends now (OpenID Connect `sid` changes). */
export interface ReplacedSession {
  sessionId: string;
  userId: string;
}

/**
 * The events a successful sign-in adds: the session it starts and, when the browser already had
 * one, that one's end. The replaced session's own end is not known here; the session lifetime is
 * its upper bound.
 */
export function sessionStartEvents(
  context: OAuthContext,
  request: OAuthRequest,
  started: StartedSession,
  clientId: string,
  replaced: ReplacedSession | null,
): GrantlineEvent[] {
  const stamp = eventContext(context, request);
  const events: GrantlineEvent[] = [];
  if (replaced !== null && replaced.sessionId !== started.sessionId) {
    events.push(
      stampEvent(
        {
          type: 'SessionEnded',
          aggregate: { type: 'session', id: replaced.sessionId },
          data: {
            sessionId: replaced.sessionId,
            userId: replaced.userId,
            reason: 'signed_in_again',
            endedBy: null,
            expiresAt: started.expiresAt,
          },
        },
        stamp,
      ),
    );
  }
  const { sessionId, userId, authTime, amr, acr, expiresAt } = started;
  events.push(
    stampEvent(
      {
        type: 'SessionStarted',
        aggregate: { type: 'session', id: sessionId },
        data: {
          sessionId,
          userId,
          authTime,
          amr,
          ...(acr === undefined ? {} : { acr }),
          clientId,
          remoteAddress: request.remoteAddress,
          expiresAt,
        },
      },
      stamp,
    ),
  );
  return events;
}
