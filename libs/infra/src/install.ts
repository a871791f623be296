import { ensureAptBinary } from './apt';
import { messageOf } from './errors';
import { ensureFerretdbBinary } from './ferretdb-install';
import { ensureKafkaJars } from './kafka-install';
import { requireTool } from './tools';
import type { LogFn } from './types';

/**
 * Installs or builds whatever is missing before any server starts, so a missing tool fails
 * fast instead of after the other servers have come up.
 */
export async function installAll(log: LogFn): Promise<void> {
  const results = await Promise.allSettled([
    ensureAptBinary('redis-server', 'redis-server', { log }),
    requireTool('java', 'run the Kafka broker').then(() => ensureKafkaJars(log)),
    ensureFerretdbBinary(log),
  ]);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [messageOf(r.reason)] : []));
  if (failures.length > 0) {
    throw new Error(`Local infrastructure could not be installed:\n- ${failures.join('\n- ')}`);
  }
}
