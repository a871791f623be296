import { stampEvent, type EventOfType, type GrantlineEvent } from '@grantline/lib-events';
import { RemoteFetchError } from '@grantline/lib-fetch';
import type { ClientRecord } from '@grantline/lib-projections';
import { epochSeconds } from '../clock';
import type { OAuthContext } from '../oauth-context';
import { recordDecision } from '../recording/recorder';
import { signLogoutToken } from './logout-token';

export type BackchannelContext = Pick<
  OAuthContext,
  'keys' | 'settings' | 'clock' | 'ids' | 'clients' | 'guards' | 'fetcher' | 'log' | 'store' | 'metrics'
>;

type SessionEnded = EventOfType<'SessionEnded'>;
type Outcome =
  | { delivered: true; attempts: number; status: number }
  | { delivered: false; attempts: number; status: number | null; reason: string };

const wait = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Tells every client that was given codes in an ended session, and registered a back-channel
 * logout URI, that the session ended (Back-Channel Logout 1.0 §2.5), and records how each notice
 * went. Run from the log, so a notice outlives whoever ended the session; the log may hand the
 * same event over again (another replica after a rebalance or a crash, a restart), so each
 * session and client is sent by one replica at a time (a lease that outlasts every attempt) and
 * marked done once its outcome is recorded. A replica that finds the lease held waits for the
 * mark or for the lease to run out (its holder died) and then sends itself. A session already
 * past its end is not announced.
 */
export async function deliverBackchannelLogouts(
  context: BackchannelContext,
  ended: SessionEnded,
  sleep: (ms: number) => Promise<void> = wait,
): Promise<void> {
  const { sessionId, userId, expiresAt, clientIds = [] } = ended.data;
  if (expiresAt <= epochSeconds(context.clock)) return;
  await Promise.all(
    clientIds.map(async (clientId) => {
      const client = await context.clients.find(clientId);
      const uri = client?.openid.backchannelLogoutUri ?? null;
      if (client === null || uri === null) return;
      const keys = noticeKeys(sessionId, clientId);
      if (!(await takeLease(context, keys, sleep))) {
        context.metrics.backchannelLogout('skipped');
        return;
      }
      try {
        const outcome = await notify(context, client, uri, userId, sessionId, sleep);
        await recordDecision(context, { events: [outcomeEvent(context, ended, clientId, outcome)] });
        context.metrics.backchannelLogout(outcome.delivered ? 'delivered' : 'failed');
        await context.guards.claimOnce(keys.done, expiresAt);
      } finally {
        // Recorded: the mark stops the others. Not recorded: the log's next hand-over tries again.
        await context.guards.releaseClaim(keys.lease).catch(() => undefined);
      }
    }),
  );
}

/**
 * How long one replica holds a notice: every attempt timing out, every pause between them, and
 * a margin for signing and recording. Another replica sends the notice only after this, so it
 * must outlast a delivery that is still going on.
 */
export function backchannelLeaseSeconds(attempts: number, retryBaseMs: number, fetchTimeoutMs: number): number {
  const pausesMs = retryBaseMs * (2 ** Math.max(attempts - 1, 0) - 1);
  return Math.ceil((attempts * fetchTimeoutMs + pausesMs) / 1000) + LEASE_MARGIN_SECONDS;
}

const LEASE_MARGIN_SECONDS = 10;
/** How often a replica waiting on another's lease looks again. */
const LEASE_POLL_MS = 1_000;

function noticeKeys(sessionId: string, clientId: string) {
  return {
    lease: `backchannel-logout-lease:${sessionId}:${clientId}`,
    done: `backchannel-logout:${sessionId}:${clientId}`,
  };
}

/**
 * True once this replica holds the notice's lease and the notice is not done; false when it is
 * done. While another replica holds the lease, waits: the lease runs out within its length.
 */
async function takeLease(
  context: BackchannelContext,
  keys: ReturnType<typeof noticeKeys>,
  sleep: (ms: number) => Promise<void>,
): Promise<boolean> {
  const { guards } = context;
  for (;;) {
    if (await guards.isClaimed(keys.done)) return false;
    const until = epochSeconds(context.clock) + context.settings.backchannelLogout.leaseSeconds;
    if (await guards.claimOnce(keys.lease, until)) {
      // The holder before us may have marked it done and let go between the two looks.
      if (!(await guards.isClaimed(keys.done))) return true;
      await guards.releaseClaim(keys.lease);
      return false;
    }
    await sleep(LEASE_POLL_MS);
  }
}

/** POSTs a fresh logout token until a 2xx answer, pausing twice as long after each failure. */
async function notify(
  context: BackchannelContext,
  client: ClientRecord,
  uri: string,
  userId: string,
  sessionId: string,
  sleep: (ms: number) => Promise<void>,
): Promise<Outcome> {
  const { attempts, retryBaseMs } = context.settings.backchannelLogout;
  let last: { status: number | null; reason: string } = { status: null, reason: 'not sent' };
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await sleep(retryBaseMs * 2 ** (attempt - 2));
    const token = await signLogoutToken(context, client, userId, sessionId);
    try {
      const { status } = await context.fetcher.postForm(uri, { logout_token: token });
      // §2.8: a 200 (or any 2xx) means the client logged the session out.
      if (status >= 200 && status < 300) return { delivered: true, attempts: attempt, status };
      last = { status, reason: `answered ${status}` };
    } catch (error) {
      last = { status: null, reason: error instanceof RemoteFetchError ? error.reason : 'network' };
    }
  }
  return { delivered: false, attempts, ...last };
}

function outcomeEvent(
  context: BackchannelContext,
  ended: SessionEnded,
  clientId: string,
  outcome: Outcome,
): GrantlineEvent {
  const aggregate = { type: 'session', id: ended.data.sessionId } as const;
  const base = { sessionId: ended.data.sessionId, clientId, attempts: outcome.attempts };
  const stamp = { now: () => context.clock.now(), causationId: ended.eventId };
  return outcome.delivered
    ? stampEvent({ type: 'BackchannelLogoutDelivered', aggregate, data: { ...base, status: outcome.status } }, stamp)
    : stampEvent(
        {
          type: 'BackchannelLogoutFailed',
          aggregate,
          data: { ...base, status: outcome.status, reason: outcome.reason },
        },
        stamp,
      );
}
