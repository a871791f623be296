import type { Logger } from '@grantline/lib-http';
import type { ProjectionStoreControl } from './supervisor-ports';

/**
 * Deletes the generations nothing reads or builds any more: all but the one the projector writes
 * to (`mine()`, asked once the pointer is read), the active one and one being built beside it.
 */
export async function dropUnusedGenerations(
  control: ProjectionStoreControl,
  logger: Logger,
  mine: () => string | undefined,
): Promise<void> {
  try {
    const pointer = await control.pointer();
    const keep = new Set([mine(), pointer?.generation, pointer?.building]);
    for (const generation of await control.generations()) {
      if (!keep.has(generation))
        logger.info({ generation, keys: await control.drop(generation) }, 'old projection generation deleted');
    }
  } catch (error) {
    logger.warn({ err: error }, 'old projection generations not deleted yet');
  }
}
