import type { PositionedLog } from '@grantline/lib-event-log';
import type { Logger } from '@grantline/lib-http';
import type { Telemetry } from '@grantline/lib-telemetry';
import type { PeriodicClock } from './periodic-clock';

/**
 * What a consumer needs that keeps its positions in its own store and checks that store against
 * what it wrote (the projector, the audit consumer).
 */
export interface CheckedConsumerOptions {
  log: PositionedLog;
  groupId: string;
  /** How often the store is checked for lost data or a step back in time. */
  checkIntervalMs: number;
  telemetry: Pick<Telemetry, 'metrics' | 'tracing'>;
  logger: Logger;
  onFatal?: (error: unknown) => void;
  /** The system clock unless a test drives time itself. */
  clock?: PeriodicClock;
}

/** What a consumer does when its subscription stops for good: log it and exit, to be restarted. */
export function exitOnFatal(logger: Logger): (error: unknown) => void {
  return (error) => {
    logger.fatal({ err: error }, 'event subscription stopped');
    process.exit(1);
  };
}

/** Runs steps one at a time, in the order they were asked for; a failed step does not stop the next. */
export class SerialSteps {
  private chain: Promise<unknown> = Promise.resolve();

  run<T>(step: () => Promise<T>): Promise<T> {
    const run = this.chain.then(step, step);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
