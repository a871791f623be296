import { affinityOf, pin } from '../process-cpu';
import type { ServerProcess } from './processes';

export const SERVER_CPU = 0;
export const LOAD_CPU = 1;

/** Affinity of processes this run pinned but did not start, to give back at the end. */
const original = new Map<number, string>();

/** Servers started from now on inherit CPU 0 (runtimes size their thread pools for one CPU). */
export function startServersOnServerCpu(): void {
  pin(process.pid, String(SERVER_CPU));
}

/** Every thread of every server process on CPU 0, and this process (the load) on CPU 1. */
export function pinForMeasurement(processes: ServerProcess[]): void {
  for (const { pid } of processes) {
    try {
      if (!original.has(pid)) original.set(pid, affinityOf(pid));
      pin(pid, String(SERVER_CPU));
    } catch {
      // the process ended in between; pids() is read again before each window
    }
  }
  pin(process.pid, String(LOAD_CPU));
}

/** Gives processes that outlive this run (e.g. reused infrastructure) their CPUs back. */
export function restoreAffinity(): void {
  for (const [pid, cpus] of original) {
    try {
      pin(pid, cpus);
    } catch {
      // stopped already
    }
  }
  original.clear();
}
