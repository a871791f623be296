import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { adminCreate, form } from './http-calls';
import { ms, percentile, printRows } from './scenario';
import type { Target } from './target';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const RELAY_POLLS_PER_PATH = 300;
/** Linux reports process CPU in clock ticks of 10 ms (USER_HZ 100). */
const TICK_MS = 10;

interface PathResult {
  name: string;
  latencies: number[];
}

/**
 * What relaying a device-code poll through a token replica costs (docs/decisions/0015): the same
 * poll sent straight to a device-polling replica, to a token replica, and to the public origin,
 * interleaved and sequential, plus the token replicas' CPU per relayed poll. Only for the bench's
 * own stack, which knows its replicas.
 */
export async function measureDevicePollRelay(target: Target): Promise<string[]> {
  const { devicePollingUrls, tokenReplicas } = target;
  const [direct] = devicePollingUrls;
  const [token] = tokenReplicas;
  if (!direct || !token) return ['  (skipped: needs the bench’s own stack, whose replicas it knows)'];
  const client = await adminCreate<{ client_id: string }>(target, 'clients', {
    name: 'bench: device relay',
    public: true,
    grant_types: [DEVICE_CODE_GRANT],
    scopes: 'read',
  });
  const started = await form(`${target.origin}/oauth/device/code`, { client_id: client.client_id });
  const { device_code: deviceCode } = (await started.json()) as { device_code: string };
  const poll = { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: client.client_id };
  const paths: Array<PathResult & { url: string }> = [
    { name: 'device-polling replica, direct', url: direct, latencies: [] },
    { name: 'token replica (relayed)', url: token.url, latencies: [] },
    { name: 'public origin (nginx, token, device-polling)', url: target.origin, latencies: [] },
  ];
  let tokenCpuMs = 0;
  for (let round = 0; round < RELAY_POLLS_PER_PATH; round += 1) {
    for (const path of paths) {
      const cpuBefore = path.url === token.url ? cpuMs(token.pid) : 0;
      const begin = performance.now();
      const response = await form(`${path.url}/oauth/token`, poll);
      await response.arrayBuffer();
      path.latencies.push(performance.now() - begin);
      if (path.url === token.url) tokenCpuMs += cpuMs(token.pid) - cpuBefore;
    }
  }
  const rows = paths.map(({ name, latencies }) => {
    const sorted = [...latencies].sort((a, b) => a - b);
    return [name, ms(percentile(sorted, 50)), ms(percentile(sorted, 95)), ms(percentile(sorted, 99))];
  });
  const lines: string[] = [];
  printRows(['path', 'p50 ms', 'p95 ms', 'p99 ms'], rows);
  lines.push(
    `  token replica CPU per relayed poll: ${((tokenCpuMs * 1000) / RELAY_POLLS_PER_PATH).toFixed(0)} µs ` +
      `(±${((TICK_MS * 1000) / RELAY_POLLS_PER_PATH).toFixed(0)} µs; ${RELAY_POLLS_PER_PATH} polls a path, sequential)`,
  );
  return lines;
}

/** User + system CPU of a process so far, in ms, from /proc (Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command name.
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
