import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Socket } from 'node:net';
import { ensureNginx, repoRoot, reservePort, type InfraUrls } from '@grantline/lib-infra';
import { ensureKeyDirectory } from '@grantline/lib-runtime';
import { isEdgeHealth } from '@grantline/lib-edge';
import { startEdgeProxy, type EdgeProxy } from './edge-proxy';
import type { PlaceReplica } from './replica-placement';
import { startService, waitUntilReady, type ServiceProcess } from './service-process';

export interface StackOptions {
  infra: InfraUrls;
  /** Port of the public origin (3000 for `npm run stack`; 0 picks a free one). */
  publicPort: number;
  /** Folder for keys, logs, the nginx config and the admin token. */
  workDir: string;
  replicas?: { authorize?: number; token?: number; introspection?: number; devicePolling?: number };
  /** Isolates topics, Redis keys, consumer groups and the audit database (tests run side by side). */
  namespace?: string;
  /** Extra settings for every service, e.g. GRANTLINE_INTROSPECTION_ALLOW_UNAUTHENTICATED. */
  env?: Record<string, string>;
  /** Where the admin token is kept; defaults to `<workDir>/admin-token`. */
  adminTokenFile?: string;
  log?: (line: string) => void;
  /** Runs chosen replicas elsewhere, e.g. behind a shaped network link; the rest run as usual. */
  placement?: PlaceReplica;
}

export interface RunningStack {
  url: string;
  adminToken: string;
  services: ServiceProcess[];
  /** The nginx master's pid (its workers are its children). */
  edgePid(): number | undefined;
  env: NodeJS.ProcessEnv;
  /** Starts another replica of a service, e.g. to restart one that a test killed. */
  startReplica(service: string): Promise<ServiceProcess>;
  /** The replica `replica` (counted from 0 in start order) of a service, if it was started. */
  replicaOf(service: string, replica: number): ServiceProcess | undefined;
  /**
   * Lets this process exit while the stack runs on: whoever stops it later does so by pid (the
   * services' `child.pid` and `edgePid()`).
   */
  detach(): void;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;
/** The local drain delay: nginx, the only proxy here, drops idle upstream connections after 1 s. */
const LOCAL_SHUTDOWN_DELAY_MS = 2_000;

/** Every service as its own process against real Kafka, Redis and MongoDB, behind nginx. */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const root = repoRoot();
  const log = options.log ?? (() => undefined);
  const logDir = join(options.workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const keysDir = join(options.workDir, 'keys');
  await ensureKeyDirectory(keysDir);
  const adminToken = readOrCreateToken(options.adminTokenFile ?? join(options.workDir, 'admin-token'));
  // Held until nginx binds it: the services take many seconds to start, and the issuer names it.
  const reserved = options.publicPort === 0 ? await reservePort() : undefined;
  const publicPort = reserved?.port ?? options.publicPort;
  const namespace = options.namespace ?? 'grantline';
  const url = `http://127.0.0.1:${publicPort}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    KAFKA_BROKERS: options.infra.kafkaBrokers,
    REDIS_URL: options.infra.redisUrl,
    MONGODB_URL: options.infra.mongodbUrl,
    GRANTLINE_ISSUER: options.publicPort === 3000 ? 'http://localhost:3000' : url,
    GRANTLINE_SIGNING_KEYS_DIR: keysDir,
    GRANTLINE_ADMIN_TOKEN: adminToken,
    GRANTLINE_PAIRWISE_SALT: readOrCreateToken(join(options.workDir, 'pairwise-salt')),
    GRANTLINE_TRUST_PROXY: 'loopback',
    GRANTLINE_KAFKA_TOPIC_PREFIX: `${namespace}.`,
    GRANTLINE_REDIS_PREFIX: `${namespace}:`,
    GRANTLINE_CONSUMER_GROUP_PREFIX: `${namespace}.`,
    GRANTLINE_MONGODB_DATABASE: namespace.replace(/[^A-Za-z0-9_-]/g, '_'),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    // Above nginx's idle upstream timeout (1 s), short enough for a quick local stop.
    GRANTLINE_SHUTDOWN_DELAY_MS: String(LOCAL_SHUTDOWN_DELAY_MS),
    GRANTLINE_SHUTDOWN_TIMEOUT_MS: '5000',
    ...options.env,
  };
  const services: ServiceProcess[] = [];
  let edge: EdgeProxy | undefined;
  const replicaCounts = new Map<string, number>();
  const startReplica = async (service: string): Promise<ServiceProcess> => {
    const replica = replicaCounts.get(service) ?? 0;
    replicaCounts.set(service, replica + 1);
    const placement = options.placement?.(service, replica);
    await placement?.prepare(env);
    const launched = await startService({ root, service, replica, env, logDir, wrap: placement?.wrap });
    const started = placement === undefined ? launched : await reachedThrough(launched, placement.reach);
    services.push(started);
    await waitUntilReady(started, '/readyz', READY_TIMEOUT_MS);
    log(`${service}-${replica} ready on ${started.url}`);
    return started;
  };
  const stop = async () => {
    await reserved?.release();
    await edge?.stop();
    await Promise.all(services.map((service) => service.stop()));
  };

  try {
    // The admin service creates the topics, so it starts first.
    await startReplica('admin');
    await Promise.all(['projector', 'audit'].map(startReplica));
    const devicePollers = await Promise.all(
      Array.from({ length: options.replicas?.devicePolling ?? 2 }, () => startReplica('device-polling')),
    );
    // Token replicas relay device-code polls to these (docs/decisions/0015-device-poll-routing.md).
    env.GRANTLINE_DEVICE_POLLING_URL ??= devicePollers.map((service) => service.url).join(',');
    const tokens = await Promise.all(Array.from({ length: options.replicas?.token ?? 2 }, () => startReplica('token')));
    const introspections = await Promise.all(
      Array.from({ length: options.replicas?.introspection ?? 2 }, () => startReplica('introspection')),
    );
    const authorizers = await Promise.all(
      Array.from({ length: options.replicas?.authorize ?? 1 }, () => startReplica('authorize')),
    );
    const admin = services.filter((service) => service.name === 'admin');
    const nginx = await ensureNginx({ log });
    await reserved?.release();
    edge = startEdgeProxy({
      nginx,
      workDir: options.workDir,
      port: publicPort,
      upstreams: {
        authorize: authorizers.map((service) => service.port),
        token: tokens.map((service) => service.port),
        introspection: introspections.map((service) => service.port),
        'device-polling': devicePollers.map((service) => service.port),
        admin: admin.map((service) => service.port),
      },
    });
    await waitForEdge(url, edge);
  } catch (error) {
    await stop();
    throw error;
  }
  log(`public origin ${url}`);
  const replicaOf = (service: string, replica: number) =>
    services.find((candidate) => candidate.name === service && candidate.replica === replica);
  const detach = () => {
    for (const child of [...services.map((service) => service.child), edge?.child]) {
      child?.unref();
      child?.channel?.unref();
      for (const stream of [child?.stdout, child?.stderr]) (stream as Socket | null | undefined)?.unref();
    }
  };
  return { url, adminToken, services, edgePid: () => edge?.child.pid, env, startReplica, replicaOf, detach, stop };
}

/** The replica as the host sees it: the port that reaches it, not the one it bound where it runs. */
async function reachedThrough(
  launched: ServiceProcess,
  reach: (port: number) => Promise<number>,
): Promise<ServiceProcess> {
  try {
    const port = await reach(launched.port);
    return { ...launched, port, url: `http://127.0.0.1:${port}` };
  } catch (error) {
    await launched.stop('SIGKILL');
    throw error;
  }
}

function readOrCreateToken(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, token + '\n', { mode: 0o600 });
  return token;
}

/** Waits for nginx's own health answer; a process that took the port first is not mistaken for it. */
async function waitForEdge(url: string, edge: EdgeProxy): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (edge.child.exitCode !== null) throw new Error(`the edge proxy exited (code ${edge.child.exitCode})`);
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok && isEdgeHealth(await response.json())) return;
    } catch {
      // nginx still starting
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the edge proxy did not answer on ${url}`);
}
