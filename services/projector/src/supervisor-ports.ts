import type { PositionedEvent, ProjectionPointer, ProjectionState } from '@grantline/lib-projections';
import type { CheckedConsumerOptions } from '@grantline/lib-runtime';

/**
 * The part of the projection store's control the supervisor needs (RedisProjectionControl in
 * production): the pointer, a generation's positions and state, applying events into a
 * generation with their positions, and deleting generations nothing reads any more.
 */
export interface ProjectionStoreControl {
  pointer(): Promise<ProjectionPointer | null>;
  /** The last applied offset per `<stream>:<partition>`, or null when the generation is gone. */
  positions(generation: string): Promise<Map<string, string> | null>;
  begin(options: { activate: boolean }): Promise<string>;
  setState(generation: string, state: ProjectionState): Promise<boolean>;
  /** Rejects with GenerationLostError when the generation's positions are gone. */
  applyTo(generation: string, events: readonly PositionedEvent[]): Promise<number>;
  generations(): Promise<string[]>;
  /** The identity (`run_id`) of the store's server process the connection talks to now. */
  incarnation(): Promise<string>;
  /** Records that `generation` was checked against the log in `incarnation`; readers serve only from it. */
  validated(generation: string, incarnation: string): Promise<boolean>;
  drop(generation: string): Promise<number>;
  /** Calls back each time the connection to the store is made again after a loss. */
  onReconnect(listener: () => void): void;
}

export interface SupervisorOptions extends CheckedConsumerOptions {
  control: ProjectionStoreControl;
}
