import { z } from 'zod';
import { authenticationFactsSchema, sessionEndReasons, sessionIdSchema, type EventOfType } from '@grantline/lib-events';
import type { MarkWriter } from './projection-writer';

/**
 * The longest a session may last (GRANTLINE_SESSION_TTL is capped at this). What a code event
 * links to its session is kept this long past the code: the code event does not carry the
 * session's own end, and the link must outlive the session without growing for ever.
 */
export const MAX_SESSION_SECONDS = 7 * 24 * 60 * 60;

/** A live browser session, as the operator lists it. */
export const sessionRecordSchema = z.object({
  sessionId: sessionIdSchema,
  userId: z.string().min(1),
  ...authenticationFactsSchema.shape,
  /** The client whose authorization request led to the sign-in. */
  clientId: z.string().min(1),
  startedAt: z.number().int(),
  expiresAt: z.number().int(),
});
export type SessionRecord = z.infer<typeof sessionRecordSchema>;

/** Written through when a session ends, so every replica refuses it before the ender answers. */
export const sessionEndedMarkSchema = z.object({
  reason: z.enum(sessionEndReasons),
  endedAt: z.number().int(),
});
export type SessionEndedMark = z.infer<typeof sessionEndedMarkSchema>;

/** A grant that started in the session (its authorization code was issued there). */
export const sessionGrantSchema = z.object({
  clientId: z.string().min(1),
  /** The grant's scope has offline_access: it outlives the session (OpenID Connect Core §11). */
  offline: z.boolean(),
});
export type SessionGrant = z.infer<typeof sessionGrantSchema>;

function epochOf(occurredAt: string): number {
  return Math.floor(Date.parse(occurredAt) / 1000);
}

export async function projectSessionStarted(writer: MarkWriter, event: EventOfType<'SessionStarted'>): Promise<void> {
  const { sessionId, userId, authTime, amr, acr, clientId, expiresAt } = event.data;
  const record: SessionRecord = {
    sessionId,
    userId,
    authTime,
    amr,
    ...(acr === undefined ? {} : { acr }),
    clientId,
    startedAt: epochOf(event.occurredAt),
    expiresAt,
  };
  await writer.putOnce('session', sessionId, record, expiresAt);
  await writer.addMember('user-sessions', userId, sessionId, expiresAt, expiresAt);
}

export async function projectSessionEnded(writer: MarkWriter, event: EventOfType<'SessionEnded'>): Promise<void> {
  const mark: SessionEndedMark = { reason: event.data.reason, endedAt: epochOf(event.occurredAt) };
  await writer.putOnce('session-ended', event.data.sessionId, mark, event.data.expiresAt);
}

/** A grant with offline_access outlives the browser session it was given in (OpenID Connect Core §11). */
export function outlivesSession(scope: string): boolean {
  return scope.split(' ').includes('offline_access');
}

/** A code issued in a session links its grant (and so its client) to the session. */
export async function projectSessionGrant(
  writer: MarkWriter,
  event: EventOfType<'AuthorizationCodeIssued'>,
): Promise<void> {
  const { sessionId, grantId, clientId, scope, expiresAt } = event.data;
  if (sessionId === undefined) return;
  const grant: SessionGrant = { clientId, offline: outlivesSession(scope) };
  await writer.addMember('session-grants', sessionId, grantId, grant, expiresAt + MAX_SESSION_SECONDS);
}
