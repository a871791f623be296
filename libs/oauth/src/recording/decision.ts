import type { GrantlineEvent } from '@grantline/lib-events';
import type { GuardStore } from '@grantline/lib-projections';

/**
 * Single-use claims taken while deciding. When the events cannot be recorded they are released,
 * so the client may retry; once recorded they stay.
 */
export interface ClaimsToRelease {
  guards: Pick<GuardStore, 'releaseClaim'>;
  keys: readonly string[];
}

/** A bounded wait until the projection shows what was recorded. */
export interface ProjectionWait<T> {
  read: () => Promise<T>;
  until: (value: T) => boolean;
  timeoutMs?: number;
  /**
   * The error to throw when the change is not visible in time. Without it the answer goes out
   * anyway: the events are recorded, only the caller's next read may not show them yet.
   */
  unseen?: () => Error;
}

/** How the one who recorded a decision reads its own write before answering. */
export type ReadOwnWrite<T> =
  /**
   * The marks the events imply (projector table entries with `writeThrough`) are written through
   * at once; `thenWait` also waits for records only the projector writes.
   */
  | { kind: 'write-through'; thenWait?: ProjectionWait<T> }
  /** Waits for the projector: for records applied in log order, which cannot be written through. */
  | { kind: 'wait-for-projection'; wait: ProjectionWait<T> };

/** What a request decided: the events to record and what recording them must also do. */
export interface Decision<T = unknown> {
  events: readonly GrantlineEvent[];
  release?: ClaimsToRelease;
  /** Absent: the caller answers without reading its own write. */
  readOwnWrite?: ReadOwnWrite<T>;
}

/** Write the events' marks through, and wait for nothing more. */
export const WRITE_THROUGH: ReadOwnWrite<never> = { kind: 'write-through' };

/** A decision whose caller answers only once the projector shows the change. */
export function awaitingProjection<T>(events: readonly GrantlineEvent[], wait: ProjectionWait<T>): Decision<T> {
  return { events, readOwnWrite: { kind: 'wait-for-projection', wait } };
}
