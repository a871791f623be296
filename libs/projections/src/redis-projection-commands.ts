import type { Redis } from 'ioredis';
import { ProjectionStoreUnavailableError, type AppliedPosition } from './port';
import type { ProjectionOp } from './projection-ops';
import { callDefined } from './redis-connection';
import {
  applyOpsScript,
  beginGenerationScript,
  setStateScript,
  switchGenerationScript,
  validateIncarnationScript,
} from './redis-projection-scripts';

/** The pointer the projector and the operator manage, relative to the key prefix. */
export const POINTER_KEY = 'projection';

/**
 * What readers check: `<generation>|<state>|<watermark>|<incarnation>`, a string mirror of the pointer that
 * every script changing the pointer rewrites (they derive its name the same way), so a reader
 * gets it in the MGET it already makes.
 */
export const SERVING_KEY = `${POINTER_KEY}:serving`;

/** The generation a projector wrote to no longer exists: the store was flushed or replaced. */
export class GenerationLostError extends Error {
  override readonly name = 'GenerationLostError';
}

export function defineProjectionScripts(redis: Redis): void {
  redis.defineCommand('grantlineApplyOps', { numberOfKeys: 0, lua: applyOpsScript });
  redis.defineCommand('grantlineBeginGeneration', { numberOfKeys: 0, lua: beginGenerationScript });
  redis.defineCommand('grantlineSetState', { numberOfKeys: 0, lua: setStateScript });
  redis.defineCommand('grantlineSwitchGeneration', { numberOfKeys: 0, lua: switchGenerationScript });
  redis.defineCommand('grantlineValidateIncarnation', { numberOfKeys: 0, lua: validateIncarnationScript });
}

export type ApplyTarget = { mode: 'generation'; generation: string } | { mode: 'active' } | { mode: 'through' };

/** The field of a positions hash that holds a partition's last applied offset. */
export function positionField(position: { stream?: string; partition: number }): string {
  return `${position.stream ?? 'log'}:${position.partition}`;
}

/** The highest offset per partition among the positions. */
export function positionsOf(positions: readonly AppliedPosition[]): Record<string, string> {
  const highest: Record<string, string> = {};
  for (const position of positions) {
    const field = positionField(position);
    const current = highest[field];
    if (current === undefined || BigInt(position.offset) > BigInt(current)) highest[field] = position.offset;
  }
  return highest;
}

/**
 * Runs the apply script. For a generation or the active one it resolves with the generation's
 * watermark, or rejects with GenerationLostError; for a write-through, with how many generations
 * were written (0 when there is no projection at all, which readers then refuse to serve).
 * Any other failure is ProjectionStoreUnavailableError.
 */
export async function applyOps(
  redis: Redis,
  prefix: string,
  target: ApplyTarget,
  ops: readonly ProjectionOp[],
  positions: Record<string, string>,
): Promise<number> {
  try {
    const result = await callDefined(redis, 'grantlineApplyOps', [
      `${prefix}${POINTER_KEY}`,
      prefix,
      target.mode,
      target.mode === 'generation' ? target.generation : '',
      JSON.stringify(ops),
      JSON.stringify(positions),
    ]);
    return Number(result);
  } catch (error) {
    if (error instanceof Error && error.message.includes('GRANTLINE_GENERATION_LOST')) {
      throw new GenerationLostError(error.message, { cause: error });
    }
    throw new ProjectionStoreUnavailableError('redis unavailable', { cause: error });
  }
}
