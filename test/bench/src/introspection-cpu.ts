import { basic, issueToken, registerClient } from './http-calls';
import { cpuMicros, pidListeningOn, pin } from './process-cpu';
import { ms, runScenario } from './scenario';
import { openTarget } from './target';

/**
 * CPU per introspection of one introspection replica of the bench's own stack, hit directly:
 * the replica (all its threads) pinned to CPU 0, this process and its load to CPU 1. The
 * replica's busy time comes from /proc, so it counts only that process; Redis is not included.
 *   npm run build && node test/bench/dist/introspection-cpu.js
 */
const ROUNDS = 3;
const WARM_UP_SECONDS = 3;
const SECONDS = 10;
const CONNECTIONS = 50;

async function main(): Promise<void> {
  const target = await openTarget();
  try {
    const replicaUrl = target.introspectionUrls[0];
    if (!replicaUrl || target.introspectionUrls[0] === target.origin) {
      throw new Error('needs the bench’s own stack (unset GRANTLINE_URL)');
    }
    const replica = pidListeningOn(Number(new URL(replicaUrl).port));
    if (replica === undefined) throw new Error(`no process listens on ${replicaUrl}`);
    pin(replica, 0);
    pin(process.pid, 1);
    const client = await registerClient(target);
    const token = await issueToken(target.origin, client);
    const scenario = (seconds: number) =>
      runScenario('introspection, one replica direct', {
        url: `${replicaUrl}/oauth/introspect`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
        body: new URLSearchParams({ token }).toString(),
        seconds,
        connections: CONNECTIONS,
      });
    await scenario(WARM_UP_SECONDS);
    console.log(`${target.description}; replica pid ${replica} on CPU 0, load on CPU 1, ${CONNECTIONS} connections`);
    console.log('round | req/s | p50 ms | p99 ms | non-2xx | replica CPU µs/req | load CPU µs/req');
    for (let round = 1; round <= ROUNDS; round += 1) {
      const before = cpuMicros(replica);
      const load = process.cpuUsage();
      const result = await scenario(SECONDS);
      const served = result.requestsPerSecond * SECONDS;
      const replicaCpu = (cpuMicros(replica) - before) / served;
      const used = process.cpuUsage(load);
      const loadCpu = (used.user + used.system) / served;
      console.log(
        `${round} | ${Math.round(result.requestsPerSecond)} | ${ms(result.p50)} | ${ms(result.p99)} | ${result.non2xx} | ${replicaCpu.toFixed(0)} | ${loadCpu.toFixed(0)}`,
      );
    }
  } finally {
    await target.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
