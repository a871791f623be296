import { cpuBusyMicros, cpuMicros } from '../process-cpu';
import { pinForMeasurement, SERVER_CPU } from './affinity';
import { runLoad, type LoadOptions, type LoadResult } from './load';
import { inactiveInSample, introspectionRequest, issueToken, issueTokens, tokenRequest } from './oauth-calls';
import type { RunningPeer } from './peer';
import type { Settings } from './settings';

export interface ProcessCpu {
  label: string;
  pid: number;
  microsPerRequest: number;
}

export interface Measurement {
  scenario: string;
  load: LoadResult;
  cpuMicrosPerRequest: number;
  processes: ProcessCpu[];
  /** active:false answers in the samples checked one by one before and after the window. */
  inactiveInSamples: number;
  note?: string;
}

export const SCENARIOS = {
  issue: 'client_credentials token',
  introspectOne: 'introspect 1 token',
  introspectPool: 'introspect pool of 10,000',
} as const;

/** A warm-up, then the measured window with CPU 0's busy time and each server process's CPU. */
async function window(
  peer: RunningPeer,
  options: LoadOptions,
  settings: Settings,
): Promise<Omit<Measurement, 'scenario' | 'inactiveInSamples'>> {
  const processes = peer.pids();
  pinForMeasurement(processes);
  await runLoad({ ...options, seconds: settings.warmUpSeconds + (peer.extraWarmUpSeconds ?? 0) });
  const before = processes.map(({ pid }) => cpuMicros(pid));
  const busyBefore = cpuBusyMicros(SERVER_CPU);
  const load = await runLoad({ ...options, seconds: settings.seconds });
  const busy = cpuBusyMicros(SERVER_CPU) - busyBefore;
  const served = Math.max(1, load.ok2xx);
  return {
    load,
    cpuMicrosPerRequest: busy / served,
    processes: processes.map(({ pid, label }, index) => ({
      pid,
      label,
      microsPerRequest: (cpuMicros(pid) - (before[index] ?? 0)) / served,
    })),
  };
}

/** The three scenarios against one running server. */
export async function measurePeer(
  peer: RunningPeer,
  settings: Settings,
  progress: (line: string) => void,
): Promise<Measurement[]> {
  const common = { connections: settings.connections, seconds: settings.seconds };
  const probe = await issueToken(peer);
  if ((await inactiveInSample(peer, [probe], 1)) > 0) {
    throw new Error('a freshly issued token introspects as inactive');
  }
  const results: Measurement[] = [];

  progress(SCENARIOS.issue);
  const token = tokenRequest(peer);
  results.push({
    scenario: SCENARIOS.issue,
    ...(await window(
      peer,
      { ...common, url: token.url, headers: token.headers, bodies: [token.body], expectActive: false },
      settings,
    )),
    inactiveInSamples: 0,
  });

  progress(SCENARIOS.introspectOne);
  const one = await issueToken(peer);
  const single = introspectionRequest(peer, one);
  const singleResult = await window(
    peer,
    { ...common, url: single.url, headers: single.headers, bodies: [single.body], expectActive: true },
    settings,
  );
  results.push({
    scenario: SCENARIOS.introspectOne,
    ...singleResult,
    inactiveInSamples: await inactiveInSample(peer, [one], 1),
  });

  progress(`issuing ${settings.poolSize} tokens`);
  const pool = await issueTokens(peer, settings.poolSize, settings.poolConcurrency, settings.poolTimeLimitMs);
  const before = await inactiveInSample(peer, pool, settings.activeSample);
  progress(SCENARIOS.introspectPool);
  const bodies = pool.map((value) => introspectionRequest(peer, value).body);
  const poolResult = await window(
    peer,
    { ...common, url: single.url, headers: single.headers, bodies, expectActive: true },
    settings,
  );
  const after = await inactiveInSample(peer, pool, settings.activeSample);
  results.push({
    scenario: SCENARIOS.introspectPool,
    ...poolResult,
    inactiveInSamples: before + after,
    ...(pool.length < settings.poolSize
      ? { note: `only ${pool.length} pool tokens issued within ${settings.poolTimeLimitMs / 1000} s` }
      : {}),
  });
  return results;
}
