import { ProjectionUnavailableError } from './port';

/**
 * Decides from the serving marker (`<generation>|<state>|<watermark>|<incarnation>`, a mirror of
 * the pointer) whether this reader may serve: a projection exists, it is ready, the projector has
 * checked it against the log in the Redis server process this reader talks to (`incarnation`,
 * that process's `run_id`), and its watermark has not fallen below one this reader saw before in
 * the same generation. Returns the active generation. See docs/decisions/0018.
 */
export class ServingCheck {
  generation: string | undefined;
  private highest = -1;

  /** `incarnation`: the `run_id` of the server the marker was read from; undefined while unknown. */
  check(marker: string | null, incarnation: string | undefined): string {
    const [active, state, applied, validated] = (marker ?? '').split('|');
    if (!active) throw new ProjectionUnavailableError('the projection is missing');
    if (active !== this.generation) {
      this.generation = active;
      this.highest = -1;
    }
    if (state !== 'ready') throw new ProjectionUnavailableError('the projection is being rebuilt');
    // A restart from a snapshot or a failover leaves the marker naming the process the projector
    // last checked; until it checks this one, the data may predate writes already applied.
    if (incarnation === undefined || validated !== incarnation) {
      throw new ProjectionUnavailableError('the projection has not been checked since redis (re)started');
    }
    const watermark = Number(applied ?? -1);
    if (watermark < this.highest) throw new ProjectionUnavailableError('the projection went back in time');
    this.highest = watermark;
    return active;
  }
}
