import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveInfra, type ResolvedInfra } from '@grantline/lib-infra';
import { startStack, type RunningStack } from '@grantline/lib-stack';
import { pidListeningOn, processTree, type ProcessGroup } from './process-cpu';

export interface Target {
  origin: string;
  adminToken: string;
  /** Introspection replicas to probe directly; only known when the bench started the stack itself. */
  introspectionUrls: string[];
  /** Device-polling replicas and token replicas (with their pids), likewise only for the own stack. */
  devicePollingUrls: string[];
  tokenReplicas: Array<{ url: string; pid: number }>;
  description: string;
  /** Settings the bench gave the stack it started; empty for GRANTLINE_URL, whose settings are its own. */
  stackEnv: Record<string, string>;
  /** The processes behind the origin, grouped by role; empty for GRANTLINE_URL. */
  processGroups(): ProcessGroup[];
  close(): Promise<void>;
}

/**
 * The bench's own stack polls device codes every 2 s instead of the default 5 s, so the polling
 * storm sees several polls per code within its run.
 */
export const OWN_STACK_ENV: Record<string, string> = { GRANTLINE_DEVICE_POLL_INTERVAL: '2' };

export function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

function adminTokenForExternalOrigin(): string {
  const fromEnv = process.env.GRANTLINE_ADMIN_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const file = resolve('.grantline', 'data', 'admin-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  throw new Error(`GRANTLINE_URL is set but there is no admin token: set GRANTLINE_ADMIN_TOKEN or create ${file}`);
}

/** Token and introspection replicas of a stack a bench starts: BENCH_STACK_REPLICAS, else `fallback`. */
export function stackReplicasFromEnv(fallback: number): number {
  const raw = process.env.BENCH_STACK_REPLICAS?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 4) {
    throw new Error(`BENCH_STACK_REPLICAS must be an integer from 1 to 4, got "${raw}"`);
  }
  return value;
}

/** A running origin from GRANTLINE_URL, or a stack of our own on a free port. */
export async function openTarget(): Promise<Target> {
  const external = process.env.GRANTLINE_URL?.trim();
  if (external) {
    const origin = new URL(external).origin;
    if (!isLoopback(origin)) throw new Error(`GRANTLINE_URL must be a loopback origin, got ${origin}`);
    return {
      origin,
      adminToken: adminTokenForExternalOrigin(),
      introspectionUrls: [origin],
      devicePollingUrls: [],
      tokenReplicas: [],
      description: `running origin ${origin}`,
      stackEnv: {},
      processGroups: () => [],
      close: () => Promise.resolve(),
    };
  }

  const replicas = stackReplicasFromEnv(2);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const infra: ResolvedInfra = await resolveInfra({ log });
  const workDir = mkdtempSync(join(tmpdir(), 'grantline-bench-'));
  let stack: RunningStack;
  try {
    stack = await startStack({
      infra: infra.urls,
      publicPort: 0,
      workDir,
      namespace: `bench${Date.now().toString(36)}`,
      replicas: { token: replicas, introspection: replicas },
      env: OWN_STACK_ENV,
      log,
    });
  } catch (error) {
    await infra.release();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  const introspectionUrls = stack.services.filter((s) => s.name === 'introspection').map((s) => s.url);
  return {
    origin: stack.url,
    adminToken: stack.adminToken,
    introspectionUrls,
    devicePollingUrls: stack.services.filter((s) => s.name === 'device-polling').map((s) => s.url),
    tokenReplicas: stack.services
      .filter((s) => s.name === 'token' && s.child.pid !== undefined)
      .map((s) => ({ url: s.url, pid: s.child.pid ?? 0 })),
    stackEnv: OWN_STACK_ENV,
    processGroups: () => stackProcessGroups(stack, infra),
    description: `own stack at ${stack.url} (${replicas} token, ${introspectionUrls.length} introspection, 2 device-polling replicas; infra: ${infra.source})`,
    close: async () => {
      await stack.stop();
      await infra.release();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function portOf(url: string): number {
  const parsed = new URL(url.includes('://') ? url : `tcp://${url}`);
  return Number(parsed.port);
}

/** The stack's processes by role, with the infrastructure servers it talks to. */
function stackProcessGroups(stack: RunningStack, infra: ResolvedInfra): ProcessGroup[] {
  const byRole = new Map<string, number[]>();
  for (const service of stack.services) {
    if (service.child.pid === undefined || service.child.exitCode !== null) continue;
    const pids = byRole.get(service.name) ?? [];
    pids.push(service.child.pid);
    byRole.set(service.name, pids);
  }
  const groups: ProcessGroup[] = [...byRole].map(([role, pids]) => ({
    label: pids.length > 1 ? `${role} (${pids.length} replicas)` : role,
    pids,
  }));
  const edge = stack.edgePid();
  if (edge !== undefined) groups.push({ label: 'nginx', pids: processTree(edge) });
  const servers: Array<[string, string]> = [
    ['Kafka', infra.urls.kafkaBrokers.split(',')[0] ?? ''],
    ['Redis', infra.urls.redisUrl],
    ['MongoDB protocol server', infra.urls.mongodbUrl],
  ];
  for (const [label, url] of servers) {
    const pid = pidListeningOn(portOf(url));
    if (pid !== undefined) groups.push({ label, pids: processTree(pid) });
  }
  return groups;
}

/**
 * Closes the target once: when `close` is called, or on SIGINT/SIGTERM (then the process exits
 * 130), so an interrupted run never leaves its stack behind.
 */
export function closingOnSignals(target: Target): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const onSignal = () => {
    void close().finally(() => process.exit(130));
  };
  const close = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return (closing ??= target.close());
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return close;
}
