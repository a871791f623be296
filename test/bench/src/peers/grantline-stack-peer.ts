import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '@grantline/lib-infra';
import { startStack } from '@grantline/lib-stack';
import { pidsListeningOn } from '../process-cpu';
import { GRANTLINE_BENCH_ENV, registerGrantlineClient } from './grantline-admin';
import { infraProcesses, sharedInfra } from './infra';
import type { Peer, RunningPeer } from './peer';
import type { ServerProcess } from './processes';
import { stackReplicasFromEnv } from '../target';

/** The stack's Kafka broker is a JVM: it gets Keycloak's extra warm-up, for the same reason. */
const STACK_EXTRA_WARM_UP_SECONDS = 10;

/**
 * One replica of each service unless BENCH_STACK_REPLICAS says otherwise: every server here gets
 * one core, and two replicas of a service time-slicing one core cost about 2.5× the CPU per
 * token of one (docs/decisions/0019).
 */
function replicas(): { token: number; introspection: number; devicePolling: number } {
  const count = stackReplicasFromEnv(1);
  return { token: count, introspection: count, devicePolling: count };
}

/** Every Grantline service as its own process behind nginx, on Kafka, Redis and FerretDB. */
export const grantlineStack: Peer = {
  name: 'grantline-stack',
  install: () => {
    const built = ['token', 'introspection', 'admin'].every((service) =>
      existsSync(join(repoRoot(), 'services', service, 'dist', 'main.js')),
    );
    if (!built) return Promise.reject(new Error('the services are not built (npm run build)'));
    const { token, introspection, devicePolling } = replicas();
    return Promise.resolve(
      `Grantline stack (startStack from @grantline/lib-stack: ${token} token, ${introspection} introspection, ${devicePolling} device-polling replicas, nginx, Kafka, Redis, FerretDB)`,
    );
  },
  start: async (): Promise<RunningPeer> => {
    const infra = await sharedInfra();
    const workDir = mkdtempSync(join(tmpdir(), 'grantline-peers-stack-'));
    const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);
    let stack;
    try {
      stack = await startStack({
        infra: infra.urls,
        publicPort: 0,
        workDir,
        namespace: `peers${Date.now().toString(36)}`,
        replicas: replicas(),
        env: GRANTLINE_BENCH_ENV,
        log,
      });
    } catch (error) {
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
    const running = stack;
    const stop = async () => {
      await running.stop();
      rmSync(workDir, { recursive: true, force: true });
    };
    try {
      const client = await registerGrantlineClient(running.url, running.adminToken);
      const pids = (): ServerProcess[] => [
        ...running.services
          .filter((service) => service.child.exitCode === null && service.child.pid !== undefined)
          .map((service) => ({ pid: service.child.pid ?? 0, label: `${service.name}-${service.replica}` })),
        ...pidsListeningOn(Number(new URL(running.url).port)).map((pid) => ({ pid, label: 'nginx' })),
        ...infraProcesses(infra.urls),
      ];
      return {
        tokenUrl: `${running.url}/oauth/token`,
        introspectUrl: `${running.url}/oauth/introspect`,
        ...client,
        tokenAuth: 'basic',
        introspectionAuth: 'basic',
        scope: 'read',
        pids,
        extraWarmUpSeconds: STACK_EXTRA_WARM_UP_SECONDS,
        notes: [
          `infra: ${infra.source}; ${STACK_EXTRA_WARM_UP_SECONDS} s more warm-up per scenario for the Kafka broker's JIT`,
        ],
        stop,
      };
    } catch (error) {
      await stop();
      throw error;
    }
  },
};
