import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of processes read from /proc: what each of a server's processes spent on a workload. */

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** The fields of /proc/<pid>/stat after the command name (field 3 onwards), or undefined once it has exited. */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User plus system CPU of a process (all its threads) so far, in µs; 0 once it has exited. */
export function cpuMicros(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, the 12th and 13th after the command name.
  if (!fields) return 0;
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

/** A process and all its descendants now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!Number.isInteger(parent)) continue;
    const siblings = children.get(parent) ?? [];
    siblings.push(Number(entry));
    children.set(parent, siblings);
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * Busy time of one CPU so far, in µs, from its line in /proc/stat: everything except idle and
 * iowait. guest and guest_nice are left out because user and nice already include them.
 */
export function cpuBusyMicros(cpu: number, procStat: string = readFileSync('/proc/stat', 'utf8')): number {
  const line = procStat.split('\n').find((candidate) => candidate.startsWith(`cpu${cpu} `));
  if (line === undefined) throw new Error(`/proc/stat has no line for cpu${cpu}`);
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const ticks = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return (ticks * 1e6) / TICKS_PER_SECOND;
}

/** Every process that holds a listening socket on a loopback TCP port (nginx: master and workers). */
export function pidsListeningOn(port: number): number[] {
  const lines = execFileSync('ss', ['-ltnpH', `sport = :${port}`]).toString();
  const pids = new Set<number>();
  for (const match of lines.matchAll(/pid=(\d+)/g)) pids.add(Number(match[1]));
  return [...pids];
}

/** The (first) process listening on a loopback TCP port, if any. */
export function pidListeningOn(port: number): number | undefined {
  return pidsListeningOn(port)[0];
}

/** The short command name of a process, or "?" once it is gone. */
export function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** Binds every thread of a process to a CPU or a CPU list, e.g. 0 or "0-1". */
export function pin(pid: number, cpus: number | string): void {
  execFileSync('taskset', ['-a', '-pc', String(cpus), String(pid)], { stdio: 'ignore' });
}

/** The CPU list a process may run on, as taskset prints it (e.g. "0,1" or "0-1"). */
export function affinityOf(pid: number): string {
  const out = execFileSync('taskset', ['-pc', String(pid)]).toString();
  const list = /:\s*(\S+)\s*$/.exec(out.trim())?.[1];
  if (list === undefined) throw new Error(`cannot read the CPU affinity of ${pid}: ${out}`);
  return list;
}

/** A named set of processes whose CPU is counted together, e.g. "token replicas". */
export interface ProcessGroup {
  label: string;
  pids: number[];
}

export interface GroupCpu {
  label: string;
  micros: number;
}

/** Starts counting; the returned function gives each group's CPU spent since. */
export function startCpuCount(groups: readonly ProcessGroup[]): () => GroupCpu[] {
  const before = groups.map((group) => group.pids.map(cpuMicros));
  return () =>
    groups.map((group, index) => ({
      label: group.label,
      micros: group.pids.reduce((sum, pid, at) => sum + cpuMicros(pid) - (before[index]?.[at] ?? 0), 0),
    }));
}
