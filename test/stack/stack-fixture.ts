import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type RunningStack, type StackOptions } from '@grantline/lib-stack';

/** Infra URLs that the jest global setup resolved. */
export function infraFromEnv() {
  const { KAFKA_BROKERS, REDIS_URL, MONGODB_URL } = process.env;
  if (!KAFKA_BROKERS || !REDIS_URL || !MONGODB_URL) {
    throw new Error('KAFKA_BROKERS, REDIS_URL and MONGODB_URL must be set (the jest global setup does this)');
  }
  return { kafkaBrokers: KAFKA_BROKERS, redisUrl: REDIS_URL, mongodbUrl: MONGODB_URL };
}

/** Starts an isolated stack (own topics, keys, consumer groups, audit database) for one test file. */
export async function startTestStack(
  name: string,
  options: Partial<Omit<StackOptions, 'infra' | 'workDir'>> = {},
): Promise<RunningStack & { namespace: string }> {
  const namespace = `t${name}${Date.now().toString(36)}`;
  const workDir = mkdtempSync(join(tmpdir(), `grantline-${name}-`));
  const stack = await startStack({ infra: infraFromEnv(), publicPort: 0, workDir, namespace, ...options });
  return {
    ...stack,
    namespace,
    stop: async () => {
      await stack.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
