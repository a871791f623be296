import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';

/** A process of a server under test, with a label for the per-process CPU lines. */
export interface ServerProcess {
  pid: number;
  label: string;
}

export interface ProcessGroup {
  pid: number;
  child: ChildProcess;
  logFile: string;
  exited(): boolean;
  /** SIGTERM to the whole group, SIGKILL after the grace period. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ProcessGroup>();

/** Starts a command as the leader of a new process group, its output appended to a log file. */
export function spawnGroup(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; logFile: string },
): ProcessGroup {
  const out = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const group: ProcessGroup = {
    pid,
    child,
    logFile: options.logFile,
    exited,
    stop: async (graceMs = 10_000) => {
      running.delete(group);
      if (!exited()) {
        signalGroup('SIGTERM');
        const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
        await exitedPromise;
        clearTimeout(timer);
      }
      // Whatever the leader left behind in its group.
      if (pidsInGroup(pid).length > 0) signalGroup('SIGKILL');
    },
  };
  running.add(group);
  return group;
}

/** Stops every group that spawnGroup started and that is not stopped yet. */
export async function stopAllGroups(): Promise<void> {
  await Promise.all([...running].map((group) => group.stop(3_000)));
}

/** Every live process whose process group is the given one. */
export function pidsInGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After the command name: state, ppid, pgrp.
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while the list was read
    }
  }
  return pids;
}
