import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type RunningStack, type StackOptions } from '@grantline/lib-stack';
import { REGISTRATION_SETTINGS } from '../support/dynamic-registration-contract';
import { sharedInWorker } from './shared-stacks';
import { removeStackWorkDir } from './stack-work-dir';

/** Infra URLs that the jest global setup resolved. */
export function infraFromEnv() {
  const { KAFKA_BROKERS, REDIS_URL, MONGODB_URL } = process.env;
  if (!KAFKA_BROKERS || !REDIS_URL || !MONGODB_URL) {
    throw new Error('KAFKA_BROKERS, REDIS_URL and MONGODB_URL must be set (the jest global setup does this)');
  }
  return { kafkaBrokers: KAFKA_BROKERS, redisUrl: REDIS_URL, mongodbUrl: MONGODB_URL };
}

export type TestStack = RunningStack & { namespace: string };
type TestStackOptions = Partial<Omit<StackOptions, 'infra' | 'workDir'>>;

/** Starts an isolated stack (own topics, keys, consumer groups, audit database) for one test file. */
export async function startTestStack(name: string, options: TestStackOptions = {}): Promise<TestStack> {
  const { stack, workDir } = await startInWorkDir(name, options);
  return {
    ...stack,
    stop: async () => {
      await stack.stop();
      removeStackWorkDir(workDir);
    },
  };
}

async function startInWorkDir(name: string, options: TestStackOptions) {
  const namespace = `t${name}${Date.now().toString(36)}`;
  const workDir = mkdtempSync(join(tmpdir(), `grantline-${name}-`));
  const stack = await startStack({
    infra: infraFromEnv(),
    publicPort: 0,
    workDir,
    namespace,
    ...options,
    // Two jest workers on two cores: while one starts a stack (ten processes), the other's Redis
    // may get no CPU for a second or two. As long as the append timeout, so a starved Redis fails
    // a test only when Kafka would too.
    env: { GRANTLINE_REDIS_COMMAND_TIMEOUT_MS: '3000', ...options.env },
  });
  return { stack: { ...stack, namespace }, workDir };
}

/**
 * The settings of the shared stack: the default replicas, with nonces that go stale in seconds
 * and a one-second device polling interval, so the tests that need those need not wait longer,
 * and dynamic registration behind an initial access token. None changes anything for a client
 * that uses no nonces, device codes or registration.
 */
export const SHARED_STACK_SETTINGS = {
  GRANTLINE_DPOP_NONCE_PERIOD: '2',
  GRANTLINE_DEVICE_POLL_INTERVAL: '1',
  ...REGISTRATION_SETTINGS,
};

/**
 * One stack for every test file of this jest worker that asks for it, started by the first: for
 * tests that neither stop, restart or reconfigure its processes nor clear its stores, and that
 * keep to their own clients and users (random names), so they cannot see each other's data.
 * Its `stop` does nothing; the global teardown stops it once every file has run.
 */
export async function sharedTestStack(): Promise<TestStack> {
  const { stack } = await sharedInWorker(
    'default',
    async () => {
      const started = await startInWorkDir('shared', { env: SHARED_STACK_SETTINGS });
      // The worker must be free to exit once its files have run; the teardown stops the stack.
      started.stack.detach();
      return started;
    },
    ({ stack: started, workDir }) => ({
      pids: [...started.services.map((service) => service.child.pid), started.edgePid()].filter(
        (pid): pid is number => pid !== undefined,
      ),
      workDir,
    }),
  );
  return { ...stack, stop: () => Promise.resolve() };
}
