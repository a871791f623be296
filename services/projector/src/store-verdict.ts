import { firstBehind } from '@grantline/lib-event-log';
import type { ProjectionPointer } from '@grantline/lib-projections';

/** What the projector concludes from the store's pointer and positions. */
export type StoreVerdict =
  /** The generation it writes to is active and no partition is behind what was applied. */
  | { kind: 'healthy' }
  /** No projection, or its positions are gone: rebuild a new generation from the log's start. */
  | { kind: 'lost'; reason: string }
  /** The store holds less than was applied: mark it rebuilding and replay from its positions. */
  | { kind: 'regressed'; generation: string; positions: Map<string, string>; reason: string }
  /** Another generation became active cleanly (a rebuild beside it): continue there. */
  | { kind: 'adopt'; generation: string; positions: Map<string, string> };

export interface StoreObservation {
  /** The generation this projector writes to; undefined at start. */
  mine: string | undefined;
  pointer: ProjectionPointer | null;
  /** The positions of the pointer's generation, or null when they are gone. */
  positions: Map<string, string> | null;
  /**
   * What the store must hold at least, per partition: what the projector wrote into its
   * generation, or at start the offsets the group committed as applied.
   */
  applied: ReadonlyMap<string, string>;
  /**
   * Given when the store runs in a Redis server process no check has found holding the log (a
   * restart, a failover, a projector that just started over a restored store): where the log
   * ended when the check began, per partition. Such a process may miss writes that were applied,
   * or written through by a service, after the projector's last commit, so it must hold the log
   * through here before readers may use it.
   */
  logEnds?: ReadonlyMap<string, string>;
}

/** Decides, from one observation, whether the store lost data, went back in time, or is fine. */
export function judgeStore(observation: StoreObservation): StoreVerdict {
  const { mine, pointer, positions, applied, logEnds } = observation;
  if (pointer === null) return { kind: 'lost', reason: 'the projection pointer is missing' };
  if (positions === null) {
    return { kind: 'lost', reason: `the positions of generation ${pointer.generation} are missing` };
  }
  const regressed = (reason: string): StoreVerdict => ({
    kind: 'regressed',
    generation: pointer.generation,
    positions,
    reason,
  });
  const short = logEnds && firstBehind(positions, logEnds);
  if (short)
    return regressed(`an unchecked redis process holds generation ${pointer.generation} short of the log at ${short}`);
  const behind = firstBehind(positions, applied);
  if (pointer.generation !== mine) {
    // A generation rebuilt beside ours replaced it: it lags by at most what we applied since.
    if (mine !== undefined && pointer.previous === mine) {
      return { kind: 'adopt', generation: pointer.generation, positions };
    }
    if (behind) return regressed(`generation ${pointer.generation} is behind the log at ${behind}`);
    if (mine !== undefined) return regressed(`generation ${pointer.generation} replaced ${mine} unexpectedly`);
    return { kind: 'adopt', generation: pointer.generation, positions };
  }
  if (behind) return regressed(`the store went back in time at ${behind}`);
  return { kind: 'healthy' };
}
