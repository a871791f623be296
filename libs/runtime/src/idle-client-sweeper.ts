import type { Logger } from '@grantline/lib-http';
import { sweepIdleClients, type OAuthContext } from '@grantline/lib-oauth';
import { systemPeriodicClock, type PeriodicClock } from './periodic-clock';

/**
 * Runs the idle self-registered client sweep every `intervalSeconds` (decision 0043) until the
 * returned function is called. A failed round (the log or a store unavailable) is logged and
 * tried again at the next one.
 */
export function startIdleClientSweep(
  context: Pick<OAuthContext, 'store' | 'log' | 'guards' | 'clock' | 'settings'>,
  intervalSeconds: number,
  logger: Logger,
  clock: PeriodicClock = systemPeriodicClock,
): () => void {
  return clock.every(intervalSeconds * 1000, async () => {
    try {
      const deleted = await sweepIdleClients(context);
      if (deleted.length > 0) logger.info({ clients: deleted }, 'deleted idle self-registered clients');
    } catch (error) {
      logger.warn({ err: error }, 'idle client sweep failed; retrying at the next interval');
    }
  });
}
