import type { PositionedSubscribeOptions, PositionedSubscription } from '@grantline/lib-event-log';
import type { Stream } from '@grantline/lib-events';
import type { Logger } from '@grantline/lib-http';
import type { PositionedEvent, ProjectionPointer, ProjectionState } from '@grantline/lib-projections';
import type { Telemetry } from '@grantline/lib-telemetry';

/** The part of the Kafka event log the projector needs. */
export interface PositionedLog {
  subscribePositioned(options: PositionedSubscribeOptions): Promise<PositionedSubscription>;
  committedOffsets(groupId: string, streams: readonly Stream[]): Promise<Map<string, string>>;
  lastOffsets(streams: readonly Stream[]): Promise<Map<string, string>>;
}

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

/** Time for the supervisor: what time it is, and a periodic call for the store check. */
export interface SupervisorClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `tick` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, tick: () => Promise<void>): () => void;
}

export const systemClock: SupervisorClock = {
  now: () => Date.now(),
  every(intervalMs, tick) {
    const timer = setInterval(() => void tick(), intervalMs);
    return () => clearInterval(timer);
  },
};

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
  clock?: SupervisorClock;
}
