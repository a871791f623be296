import type { ClientRecord, StateQuery, StateSnapshot, UserRecord } from '@grantline/lib-projections';
import { isClientIdUrl } from './clients/client-id-url';
import type { OAuthContext } from './oauth-context';
import { endsWithSession } from './sessions/grant-session-rule';

/**
 * What a token, code or refresh token depends on besides its own signature and expiry. One home
 * for the rule "is this still live": introspection, resources, the grants and personal access
 * tokens all ask it.
 */
export interface TokenSubject {
  /**
   * The client the artifact was issued to; it must still be registered. Absent for personal access
   * tokens. A client known by its metadata document URL is in no projection: nothing in the log
   * ends it, so its artifacts end only by expiry and revocation.
   */
  clientId?: string;
  /**
   * The client an exchanged token was issued to, when its grant is another client's: it must
   * still be registered too.
   */
  issuedTo?: string;
  /** An individually revocable token (its `jti`). */
  tokenId?: string;
  /** The tokens it was exchanged from (RFC 8693), each of which ends it when revoked. */
  exchangedFrom?: readonly string[];
  /** For a user's artifact: whose, from which grant, and when the grant or token began. */
  user?: {
    userId: string;
    grantId?: string;
    /** Epoch seconds; a consent withdrawal after this ends it. Not checked without a `clientId`. */
    since: number;
    /**
     * The browser session the grant was given in (OpenID Connect `sid`) and whether the grant has
     * offline_access: an ended session ends it as `endsWithSession` says.
     */
    session?: { sessionId: string; offline: boolean };
  };
}

export type Liveness =
  | { live: true; client: ClientRecord | null; user: UserRecord | null }
  | {
      live: false;
      reason: 'revoked' | 'client_unknown' | 'user_inactive' | 'consent_withdrawn' | 'session_ended';
      client: ClientRecord | null;
      user: UserRecord | null;
    };

/** The one read a subject needs, plus any other clients the caller wants in the same round trip. */
export function livenessQuery(subject: TokenSubject, otherClientIds: readonly string[] = []): StateQuery {
  const { clientId, issuedTo, tokenId, exchangedFrom, user } = subject;
  return {
    clientIds: [
      ...otherClientIds,
      ...(clientId === undefined ? [] : [clientId]),
      ...(issuedTo === undefined ? [] : [issuedTo]),
    ],
    ...(tokenId === undefined ? {} : { jti: tokenId }),
    ...(exchangedFrom === undefined ? {} : { exchangedFrom }),
    ...(user?.grantId === undefined ? {} : { grantId: user.grantId }),
    ...(user === undefined ? {} : { userId: user.userId }),
    ...(user === undefined || clientId === undefined ? {} : { consent: { userId: user.userId, clientId } }),
    ...(user?.session === undefined ? {} : { sessionId: user.session.sessionId }),
  };
}

/** Pure: decides liveness from what `livenessQuery` read. */
export function decideLiveness(subject: TokenSubject, state: StateSnapshot): Liveness {
  const client = subject.clientId === undefined ? null : (state.clients.get(subject.clientId) ?? null);
  const user = state.user ?? null;
  const dead = (reason: Extract<Liveness, { live: false }>['reason']): Liveness => ({
    live: false,
    reason,
    client,
    user,
  });
  if (state.revoked) return dead('revoked');
  if (subject.clientId !== undefined && !client && !isClientIdUrl(subject.clientId)) return dead('client_unknown');
  if (subject.issuedTo !== undefined && !state.clients.get(subject.issuedTo) && !isClientIdUrl(subject.issuedTo)) {
    return dead('client_unknown');
  }
  if (subject.user) {
    if (!user || user.disabled || user.userId !== subject.user.userId) return dead('user_inactive');
    if (subject.user.since < (state.grantsRevokedBefore ?? 0)) return dead('consent_withdrawn');
    const { session } = subject.user;
    if (session && state.sessionEnded === true && client !== null && endsWithSession(client, session.offline)) {
      return dead('session_ended');
    }
  }
  return { live: true, client, user };
}

/** Reads and decides in one round trip; the projection store fails closed. */
export async function checkLiveness(
  context: Pick<OAuthContext, 'store'>,
  subject: TokenSubject,
  otherClientIds: readonly string[] = [],
): Promise<{ liveness: Liveness; clients: StateSnapshot['clients'] }> {
  const state = await context.store.read(livenessQuery(subject, otherClientIds));
  return { liveness: decideLiveness(subject, state), clients: state.clients };
}
