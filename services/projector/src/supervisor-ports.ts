import type { PositionedLog } from '@grantline/lib-event-log';
import type { Logger } from '@grantline/lib-http';
import type { PositionedEvent, ProjectionPointer, ProjectionState } from '@grantline/lib-projections';
import type { PeriodicClock } from '@grantline/lib-runtime';
import type { Telemetry } from '@grantline/lib-telemetry';

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

export interface SupervisorOptions {
  log: PositionedLog;
  control: ProjectionStoreControl;
  groupId: string;
  /** How often the store is checked for lost data or a step back in time. */
  checkIntervalMs: number;
  telemetry: Pick<Telemetry, 'metrics' | 'tracing'>;
  logger: Logger;
  onFatal?: (error: unknown) => void;
  /** The system clock unless a test drives time itself. */
  clock?: PeriodicClock;
}
