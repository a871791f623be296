import type { EventContext } from '@grantline/lib-events';
import { sessionIdSchema } from '@grantline/lib-events';
import type { SessionRecord, UserRecord } from '@grantline/lib-projections';
import { epochSeconds } from '../clock';
import { commandRefused } from '../errors';
import { endSession, type SessionEndContext } from './session-end';
import { liveSessionsOf } from './session-reads';

/** Who ends a session from the admin API or the CLI, as `endedBy` records it. */
const OPERATOR = 'operator';

/** A session as the admin API shows it. */
export interface SessionView {
  session_id: string;
  user_id: string;
  client_id: string;
  auth_time: number;
  amr: string[];
  acr?: string;
  started_at: number;
  expires_at: number;
}

function sessionView(session: SessionRecord): SessionView {
  return {
    session_id: session.sessionId,
    user_id: session.userId,
    client_id: session.clientId,
    auth_time: session.authTime,
    amr: session.amr,
    ...(session.acr === undefined ? {} : { acr: session.acr }),
    started_at: session.startedAt,
    expires_at: session.expiresAt,
  };
}

async function requireUser(context: SessionEndContext, userId: string): Promise<UserRecord> {
  const user = await context.store.getUser(userId);
  if (!user) throw commandRefused(404, 'no such user');
  return user;
}

/** A user's sessions that still hold, oldest first. */
export async function adminListSessions(
  context: SessionEndContext,
  userId: string,
): Promise<{ sessions: SessionView[] }> {
  const user = await requireUser(context, userId);
  const sessions = await liveSessionsOf(context.store, user.userId, epochSeconds(context.clock));
  return { sessions: sessions.map(sessionView) };
}

/** Ends one of a user's sessions; one that is unknown, not theirs, or over already is a 404. */
export async function adminEndSession(
  context: SessionEndContext,
  events: EventContext,
  userId: string,
  sessionId: string,
): Promise<void> {
  const user = await requireUser(context, userId);
  const id = sessionIdSchema.safeParse(sessionId);
  const live = id.success ? await liveSessionsOf(context.store, user.userId, epochSeconds(context.clock)) : [];
  const session = live.find((candidate) => candidate.sessionId === id.data);
  if (session === undefined) throw commandRefused(404, 'no such live session');
  await endSession(context, events, session, 'operator', OPERATOR);
}

/** Ends every live session of a user; answers how many ended. */
export async function adminEndAllSessions(
  context: SessionEndContext,
  events: EventContext,
  userId: string,
): Promise<{ ended: number }> {
  const user = await requireUser(context, userId);
  let ended = 0;
  for (const session of await liveSessionsOf(context.store, user.userId, epochSeconds(context.clock))) {
    const outcome = await endSession(context, events, session, 'operator', OPERATOR);
    if (outcome.ended) ended += 1;
  }
  return { ended };
}
