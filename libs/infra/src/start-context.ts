import type { ServerRecord } from './state-file';
import type { LogFn } from './types';

export interface StartContext {
  log: LogFn;
  /** Called as soon as a server process exists, so it is recorded even if startup is interrupted. */
  spawned(record: ServerRecord): void;
}
