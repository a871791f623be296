import {
  sessionEndedMarkSchema,
  sessionGrantSchema,
  sessionRecordSchema,
  type ProjectionStore,
  type SessionEndedMark,
  type SessionGrant,
  type SessionRecord,
} from '@grantline/lib-projections';

type SessionStore = Pick<ProjectionStore, 'getOnce' | 'getMembers'>;

/** The session's record, or null once it expired (or before the projector applied its start). */
export async function sessionRecordOf(store: SessionStore, sessionId: string): Promise<SessionRecord | null> {
  const parsed = sessionRecordSchema.safeParse(await store.getOnce('session', sessionId));
  return parsed.success ? parsed.data : null;
}

/** Whether (and why) the session ended before its time; null while it holds. */
export async function sessionEndOf(store: SessionStore, sessionId: string): Promise<SessionEndedMark | null> {
  const parsed = sessionEndedMarkSchema.safeParse(await store.getOnce('session-ended', sessionId));
  return parsed.success ? parsed.data : null;
}

/** The grants whose codes were issued in the session, by grant id. */
export async function sessionGrantsOf(store: SessionStore, sessionId: string): Promise<Map<string, SessionGrant>> {
  const grants = new Map<string, SessionGrant>();
  for (const [grantId, value] of await store.getMembers('session-grants', sessionId)) {
    const parsed = sessionGrantSchema.safeParse(value);
    if (parsed.success) grants.set(grantId, parsed.data);
  }
  return grants;
}

/** A user's sessions that still hold (started, not ended, not expired), oldest first. */
export async function liveSessionsOf(store: SessionStore, userId: string, now: number): Promise<SessionRecord[]> {
  const ids = [...(await store.getMembers('user-sessions', userId)).keys()];
  const sessions = await Promise.all(
    ids.map(async (sessionId) => {
      const [record, ended] = await Promise.all([sessionRecordOf(store, sessionId), sessionEndOf(store, sessionId)]);
      return record !== null && ended === null && record.expiresAt > now ? record : null;
    }),
  );
  return sessions
    .filter((session): session is SessionRecord => session !== null)
    .sort((a, b) => a.startedAt - b.startedAt || a.sessionId.localeCompare(b.sessionId));
}
