import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveInfra, type ResolvedInfra } from '@grantline/lib-infra';
import { startStack, type RunningStack } from '@grantline/lib-stack';

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
      close: () => Promise.resolve(),
    };
  }

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
      replicas: { token: 2, introspection: 2 },
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
    description: `own stack at ${stack.url} (2 token, ${introspectionUrls.length} introspection, 2 device-polling replicas; infra: ${infra.source})`,
    close: async () => {
      await stack.stop();
      await infra.release();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
