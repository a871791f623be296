import type { GrantlineEvent } from '@grantline/lib-events';
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
  onFatal: (error: unknown) => void;
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
  const subscribed = context.log.subscribe({
    groupId: `${options.groupPrefix}${BACKCHANNEL_LOGOUT_GROUP}`,
    streams: ['tokens'],
    // A new group starts at the end: sessions that ended before it existed are not announced.
    fromBeginning: false,
    onFatal: options.onFatal,
    handleBatch: async (batch) => {
      if (options.beside) {
        for (const { event } of batch) queue = queue.then(() => notify(event)).catch(() => undefined);
        return;
      }
      for (const { event } of batch) await notify(event);
    },
  });
  subscribed.catch(options.onFatal);
  return () => {
    void subscribed.then((subscription) => subscription.close()).catch(() => undefined);
  };
}
