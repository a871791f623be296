import type { Logger } from '@grantline/lib-http';
import { deliverBackchannelLogouts, type BackchannelContext } from '@grantline/lib-oauth';

/** The consumer group whose replicas share the back-channel notices between them. */
export const BACKCHANNEL_LOGOUT_GROUP = 'grantline-backchannel-logout';

/**
 * Sends back-channel logout notices (0049) for every session that ends from now on, as the log
 * hands the ends over: one group, so each end is handled by one replica at a time, and its
 * position moves on only once the notices of a batch were sent and recorded. Returns the stop.
 */
export function startBackchannelLogouts(
  context: BackchannelContext,
  logger: Logger,
  onFatal: (error: unknown) => void,
): () => void {
  const subscribed = context.log.subscribe({
    groupId: BACKCHANNEL_LOGOUT_GROUP,
    streams: ['tokens'],
    // A new group starts at the end: sessions that ended before it existed are not announced.
    fromBeginning: false,
    onFatal,
    handleBatch: async (batch) => {
      for (const { event } of batch) {
        if (event.type !== 'SessionEnded') continue;
        try {
          await deliverBackchannelLogouts(context, event);
        } catch (error) {
          logger.warn({ err: error, sessionId: event.data.sessionId }, 'back-channel logout not recorded; will retry');
          throw error;
        }
      }
    },
  });
  subscribed.catch(onFatal);
  return () => {
    void subscribed.then((subscription) => subscription.close()).catch(() => undefined);
  };
}
