import { sessionEndReasons, stampEvent, type EventContext, type GrantlineEvent } from '@grantline/lib-events';
import type { EventLog } from '@grantline/lib-event-log';
import type { ProjectionStore } from '@grantline/lib-projections';
import { epochSeconds, type Clock } from '../clock';
import { projectedClients, type ClientDirectory } from '../clients/client-directory';
import { grantMarkerExpiry } from '../grants/grant-revocation';
import type { OAuthSettings } from '../oauth-context';
import { WRITE_THROUGH } from '../recording/decision';
import { recordDecision } from '../recording/recorder';
import { endsWithSession } from './grant-session-rule';
import { sessionEndOf, sessionGrantsOf, sessionRecordOf } from './session-reads';

/**
 * What ending a session needs; an `OAuthContext` is one, and the admin service builds one from
 * its own dependencies. Without `clients`, only registered clients are found.
 */
export interface SessionEndContext {
  log: Pick<EventLog, 'append'>;
  store: ProjectionStore;
  clients?: ClientDirectory;
  clock: Clock;
  settings: Pick<OAuthSettings, 'sessionTtlSeconds' | 'accessTokenTtlSeconds' | 'personalAccessTokens'>;
}

export type SessionEndReason = (typeof sessionEndReasons)[number];

/** A session to end: its id and the user it belongs to (what the cookie or the operator names). */
export interface SessionToEnd {
  sessionId: string;
  userId: string;
}

export type SessionEndOutcome =
  /** The session ended now; `revokedGrants` lists the grants that ended with it. */
  | { ended: true; revokedGrants: string[]; clientIds: string[] }
  /** It had ended already, or it belongs to someone else: nothing was recorded. */
  | { ended: false };

/**
 * Decides the end of a session: `SessionEnded` (naming the clients given codes in it, the ones
 * to notify), and a `GrantRevoked` for each grant started in it whose client ends grants with the
 * session, unless the grant has offline_access (OpenID Connect Core §11). The session's end is
 * written through, so every replica refuses the session before this resolves. Ending a session
 * that already ended is a no-op.
 */
export async function endSession(
  context: SessionEndContext,
  stamp: EventContext,
  session: SessionToEnd,
  reason: SessionEndReason,
  endedBy: string | null,
): Promise<SessionEndOutcome> {
  const { sessionId, userId } = session;
  const [record, ended, grants] = await Promise.all([
    sessionRecordOf(context.store, sessionId),
    sessionEndOf(context.store, sessionId),
    sessionGrantsOf(context.store, sessionId),
  ]);
  if (ended !== null || (record !== null && record.userId !== userId)) return { ended: false };
  const now = epochSeconds(context.clock);
  // Before the projector shows the session's start, its lifetime is the bound of its end.
  const expiresAt = record?.expiresAt ?? now + context.settings.sessionTtlSeconds;
  const clientIds = [...new Set([...grants.values()].map((grant) => grant.clientId))].sort();
  const directory = context.clients ?? projectedClients(context.store);
  const clients = new Map(await Promise.all(clientIds.map(async (id) => [id, await directory.find(id)] as const)));
  const events: GrantlineEvent[] = [
    stampEvent(
      {
        type: 'SessionEnded',
        aggregate: { type: 'session', id: sessionId },
        data: { sessionId, userId, reason, endedBy, expiresAt, ...(clientIds.length > 0 ? { clientIds } : {}) },
      },
      stamp,
    ),
  ];
  const revokedGrants: string[] = [];
  for (const [grantId, grant] of grants) {
    const client = clients.get(grant.clientId) ?? null;
    // A client that is gone has no tokens left to end.
    if (client === null || !endsWithSession(client, grant.offline)) continue;
    revokedGrants.push(grantId);
    events.push(
      stampEvent(
        {
          type: 'GrantRevoked',
          aggregate: { type: 'grant', id: grantId },
          data: {
            grantId,
            clientId: grant.clientId,
            reason: 'session_ended',
            // The grant started before now, so it ends at the latest a full grant lifetime from now.
            expiresAt: grantMarkerExpiry(context, now + client.refreshTokens.absoluteTtl),
            revokedBy: endedBy,
          },
        },
        stamp,
      ),
    );
  }
  await recordDecision(context, { events, readOwnWrite: WRITE_THROUGH });
  return { ended: true, revokedGrants, clientIds };
}
