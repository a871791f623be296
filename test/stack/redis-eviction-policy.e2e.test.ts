import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRoot, startPrivateRedis, type PrivateRedis } from '@grantline/lib-infra';
import { ensureKeyDirectory } from '@grantline/lib-runtime';
import { spawnService, waitUntilReady, type ServiceProcess } from '@grantline/lib-stack';
import { infraFromEnv } from './stack-fixture';

const workDir = mkdtempSync(join(tmpdir(), 'grantline-eviction-'));
const keysDir = join(workDir, 'keys');
const namespace = `tevict${Date.now().toString(36)}`;
const services: ServiceProcess[] = [];
const redises: PrivateRedis[] = [];

const EXIT_TIMEOUT_MS = 30_000;
const READY_TIMEOUT_MS = 60_000;
const LRU = ['--maxmemory-policy', 'allkeys-lru', '--save', '', '--appendonly', 'no'];

async function privateRedis(args: string[], port?: number): Promise<PrivateRedis> {
  const redis = await startPrivateRedis({ args, ...(port === undefined ? {} : { port }) });
  redises.push(redis);
  return redis;
}

async function startToken(redisUrl: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  const token = spawnService({
    root: repoRoot(),
    service: 'token',
    replica: services.length,
    port: await freePort(),
    logDir: workDir,
    env: {
      PATH: process.env.PATH,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      KAFKA_BROKERS: infraFromEnv().kafkaBrokers,
      REDIS_URL: redisUrl,
      GRANTLINE_SIGNING_KEYS_DIR: keysDir,
      GRANTLINE_KAFKA_TOPIC_PREFIX: `${namespace}.`,
      GRANTLINE_REDIS_PREFIX: `${namespace}:`,
      ...env,
    },
  });
  services.push(token);
  return token;
}

/** The exit code, once the process has exited; fails the test if it is still running after the bound. */
async function exitCodeOf(service: ServiceProcess, timeoutMs = EXIT_TIMEOUT_MS): Promise<number | null> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${service.name} still runs after ${timeoutMs} ms:\n${logOf(service)}`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function logOf(service: ServiceProcess): string {
  try {
    return readFileSync(service.logFile, 'utf8');
  } catch {
    return '';
  }
}

/** The log once it mentions `text`; the file is written a moment after the process has exited. */
async function logMentioning(service: ServiceProcess, text: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  while (!logOf(service).includes(text) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return logOf(service);
}

/** Waits for the service to exit with a failure code, and answers its log once it mentions `text`. */
async function refusalLog(service: ServiceProcess, text: string): Promise<string> {
  const code = await exitCodeOf(service);
  expect(code).not.toBeNull();
  expect(code).not.toBe(0);
  return logMentioning(service, text);
}

beforeAll(async () => {
  await ensureKeyDirectory(keysDir);
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.stop('SIGKILL')));
  await Promise.all(redises.map((redis) => redis.close()));
  rmSync(workDir, { recursive: true, force: true });
});

describe('a service whose Redis may evict keys', () => {
  it('exits non-zero before serving, saying which policy it found and which one it needs', async () => {
    const redis = await privateRedis(LRU);
    const token = await startToken(redis.url);

    const log = await refusalLog(token, 'noeviction');

    expect(log).toContain('maxmemory-policy allkeys-lru');
    expect(log).toContain('Grantline needs noeviction');
    expect(log).toContain('CONFIG SET maxmemory-policy noeviction');
    expect(log).toContain('GRANTLINE_REDIS_EVICTION_CHECK=skip');
  });

  it('starts when the check is skipped', async () => {
    const redis = await privateRedis(LRU);
    const token = await startToken(redis.url, { GRANTLINE_REDIS_EVICTION_CHECK: 'skip' });

    // It serves; it is not ready, because no projector has built a projection in this Redis.
    await waitUntilReady(token, '/healthz', READY_TIMEOUT_MS);
    await expectServingWithoutProjection(token);
    expect(logOf(token)).not.toContain('maxmemory-policy');
  });

  it('exits, and says how to skip the check, when Redis refuses CONFIG (as managed services do)', async () => {
    const redis = await privateRedis([...LRU, '--rename-command', 'CONFIG', '']);
    const token = await startToken(redis.url);

    const log = await refusalLog(token, 'GRANTLINE_REDIS_EVICTION_CHECK=skip');

    expect(log).toContain("Could not check Redis's maxmemory-policy: CONFIG GET was refused");
    expect(log).toContain("Make sure the provider's maxmemory-policy is noeviction");
  });

  it('exits once a Redis that was down at its start comes up evicting', async () => {
    const port = await freePort();
    const token = await startToken(`redis://127.0.0.1:${port}`);
    // Without Redis it serves as before, answering 503 where it needs Redis.
    await waitUntilReady(token, '/healthz', READY_TIMEOUT_MS);

    await privateRedis(LRU, port);
    const log = await refusalLog(token, 'allkeys-lru');

    expect(log).toContain('refusing to run against a Redis that may evict keys');
    expect(log).toContain('maxmemory-policy allkeys-lru');
  });
});

it('starts against a Redis set to noeviction', async () => {
  const redis = await privateRedis(['--maxmemory-policy', 'noeviction']);
  const token = await startToken(redis.url);

  // The check runs before the service listens, so answering /healthz means it passed.
  await waitUntilReady(token, '/healthz', READY_TIMEOUT_MS);
  await expectServingWithoutProjection(token);
});

/** Still running, and not ready: no projector has built a projection in this private Redis. */
async function expectServingWithoutProjection(token: ServiceProcess): Promise<void> {
  const ready = await fetch(`${token.url}/readyz`);
  expect(ready.status).toBe(503);
  expect(token.child.exitCode).toBeNull();
}
