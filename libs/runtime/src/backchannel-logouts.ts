import type { Subscription } from '@grantline/lib-event-log';
import type { EventOfType, GrantlineEvent } from '@grantline/lib-events';
import type { Logger } from '@grantline/lib-http';
import { deliverBackchannelLogouts, type BackchannelContext } from '@grantline/lib-oauth';

/** The consumer group (after GRANTLINE_CONSUMER_GROUP_PREFIX) whose replicas share the back-channel notices. */
export const BACKCHANNEL_LOGOUT_GROUP = 'backchannel-logout';

export interface BackchannelLogoutOptions {
  /** GRANTLINE_CONSUMER_GROUP_PREFIX: stacks sharing a Kafka cluster keep their groups apart. */
  groupPrefix: string;
  /**
   * The log hands events over before the append that wrote them resolves (the embedded file
   * log): the notices then run beside the log, one session after another, instead of inside its
   * hand-over, which would wait for the notices' own appends, and hold up whoever ended the session.
   */
  beside?: boolean;
  /** Pauses between attempts to join the group (tests shorten them). */
  retryDelaysMs?: readonly number[];
}

/**
 * Sends back-channel logout notices (0049) for every session that ends from now on, as the log
 * hands the ends over: one group, so each end is handled by one replica at a time, and its
 * position moves on only once the notices of a batch were sent and recorded. Returns the stop.
 */
export function startBackchannelLogouts(
  context: BackchannelContext,
  logger: Logger,
  options: BackchannelLogoutOptions,
): () => void {
  const notify = async (event: GrantlineEvent): Promise<void> => {
    if (event.type !== 'SessionEnded') return;
    try {
      await deliverBackchannelLogouts(context, event);
    } catch (error) {
      logger.warn({ err: error, sessionId: event.data.sessionId }, 'back-channel logout not recorded');
      throw error;
    }
  };
  let queue = Promise.resolve();
  const subscribe = (onFatal: (error: unknown) => void) =>
    context.log.subscribe({
      groupId: `${options.groupPrefix}${BACKCHANNEL_LOGOUT_GROUP}`,
      streams: ['tokens'],
      // A new group starts at the end: sessions that ended before it existed are not announced.
      fromBeginning: false,
      onFatal,
      handleBatch: async (batch) => {
        if (options.beside) {
          for (const { event } of batch) queue = queue.then(() => notify(event)).catch(() => undefined);
          return;
        }
        for (const { event } of batch) await notify(event);
      },
    });
  return keepSubscribing(subscribe, logger, options.retryDelaysMs ?? SUBSCRIBE_RETRY_DELAYS_MS);
}

/** Pauses between attempts to join the group; the last one repeats. */
const SUBSCRIBE_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Keeps one subscription running: when joining fails (the log is down, or its topics are not made
 * yet), or a joined consumer stops for good, it joins again after a pause instead of ending the
 * service; the token endpoints do not need the notices to serve, and the group resumes from its
 * committed position. `subscribe` is given the hook its consumer calls when it stops for good.
 * Returns the stop.
 */
export function keepSubscribing(
  subscribe: (onFatal: (error: unknown) => void) => Promise<Subscription>,
  logger: Logger,
  delaysMs: readonly number[],
): () => void {
  let stopped = false;
  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  const retry = (failures: number, error: unknown, message: string): void => {
    const delayMs = delaysMs[Math.min(failures, delaysMs.length - 1)] ?? 30_000;
    logger.warn({ err: error, retryInMs: delayMs }, message);
    clearTimeout(timer);
    timer = setTimeout(() => attempt(failures + 1), delayMs);
  };
  const attempt = (failures: number): void => {
    let dead = false;
    let made: Subscription | undefined;
    const fatal = (error: unknown): void => {
      if (stopped || dead) return;
      dead = true;
      void made?.close().catch(() => undefined);
      if (subscription === made) subscription = undefined;
      retry(0, error, 'back-channel logout consumer stopped; joining again');
    };
    subscribe(fatal).then(
      (joined) => {
        made = joined;
        if (stopped || dead) void joined.close().catch(() => undefined);
        else subscription = joined;
      },
      (error: unknown) => {
        if (!stopped && !dead) retry(failures, error, 'back-channel logout consumer could not start; trying again');
      },
    );
  };
  attempt(0);
  return () => {
    stopped = true;
    clearTimeout(timer);
    void subscription?.close().catch(() => undefined);
  };
}

/**
 * Sends the notices a log read from its start shows as owed (`UnsentNotices`, embedded mode): one
 * end after another, in the background. A notice that fails again is recorded as failed; one that
 * cannot be recorded is logged and left for the next start.
 */
export async function resendOwedBackchannelLogouts(
  context: BackchannelContext,
  logger: Logger,
  owed: readonly EventOfType<'SessionEnded'>[],
): Promise<void> {
  if (owed.length > 0) logger.info({ sessions: owed.length }, 'sending back-channel logouts owed before the restart');
  for (const ended of owed) {
    await deliverBackchannelLogouts(context, ended).catch((error: unknown) =>
      logger.warn({ err: error, sessionId: ended.data.sessionId }, 'back-channel logout not recorded'),
    );
  }
}
