import { loadConfig } from '@grantline/lib-config';
import { streams } from '@grantline/lib-events';
import type { PositionedEvent } from '@grantline/lib-projections';
import { kafkaEventLog, redisProjectionControl } from '@grantline/lib-runtime';

/** Events applied per script call while rebuilding. */
const BATCH = 500;

export interface RebuildResult {
  generation: string;
  /** The generation the rebuilt one replaced; null on an empty Redis. */
  replaced: string | null;
  events: number;
  seconds: number;
}

/**
 * Replays the whole log into a new generation beside the active one, then makes it the active
 * one in a single step. Readers keep being served by the old generation meanwhile; writes that
 * services make through (revocations) go to both; the projector continues in the new generation
 * from its positions and deletes the old one.
 */
export async function rebuildProjections(options: { redisUrl?: string } = {}): Promise<RebuildResult> {
  const config = loadConfig();
  const log = kafkaEventLog(config, 'grantline-rebuild');
  const control = redisProjectionControl(config, options.redisUrl);
  try {
    await control.waitUntilReady(10_000);
    await control.assertKeepsKeys(config.GRANTLINE_REDIS_EVICTION_CHECK);
    const started = Date.now();
    // Asked before the replay: readers of this server process may serve the rebuilt generation;
    // had the server restarted meanwhile, they refuse until the projector checks the new one.
    const incarnation = await control.incarnation();
    const generation = await control.begin({ activate: false });
    let batch: PositionedEvent[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const applying = batch;
      batch = [];
      await control.applyTo(generation, applying);
    };
    const events = await log.replay(streams, async (event, position) => {
      batch.push({ event, position });
      if (batch.length >= BATCH) await flush();
    });
    await flush();
    const replaced = await control.switchTo(generation);
    await control.validated(generation, incarnation);
    return { generation, replaced, events, seconds: (Date.now() - started) / 1000 };
  } finally {
    await Promise.all([log.close(), control.close()]);
  }
}
