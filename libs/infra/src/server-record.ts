import { mkdirSync, rmSync } from 'node:fs';
import { serverDirs } from './paths';
import { commandLineContains, isAlive, stopProcess } from './process-control';
import type { ServerName, ServerRecord } from './state-file';

/** Fresh, empty data folder for a server about to start; returns its data dir and log file. */
export function prepareServerDirs(name: ServerName): { dataDir: string; logFile: string } {
  const dirs = serverDirs(name);
  rmSync(dirs.dataDir, { recursive: true, force: true });
  mkdirSync(dirs.dataDir, { recursive: true });
  return dirs;
}

/** The recorded process is still the server we started (not a reused pid). */
export function isOurProcess(record: Pick<ServerRecord, 'pid' | 'marker'>): boolean {
  return isAlive(record.pid) && commandLineContains(record.pid, record.marker);
}

/** Stops the recorded process if it is still ours; never touches anything else. */
export async function stopRecorded(record: Pick<ServerRecord, 'pid' | 'marker'>): Promise<boolean> {
  if (!isOurProcess(record)) return false;
  await stopProcess(record.pid);
  return true;
}
