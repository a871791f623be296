import { connect } from 'node:net';
import { ensureAptBinary } from './apt';
import { freePort } from './ports';
import { spawnDetached } from './process-control';
import { waitForReady } from './readiness';
import { prepareServerDirs } from './server-record';
import type { ServerRecord } from './state-file';
import type { StartContext } from './start-context';

/** Sends an inline PING and resolves true on +PONG. */
export function pingRedis(port: number, timeoutMs = 1000, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

export async function startRedis(ctx: StartContext): Promise<ServerRecord> {
  const binary = await ensureAptBinary('redis-server', 'redis-server', { log: ctx.log });
  const port = await freePort();
  const { dataDir, logFile } = prepareServerDirs('redis');
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
  args.push('--dir', dataDir, '--daemonize', 'no', '--protected-mode', 'yes');
  ctx.log(`starting redis-server on 127.0.0.1:${port}`);
  const pid = spawnDetached(binary, args, { cwd: dataDir, logFile });
  const record: ServerRecord = {
    name: 'redis',
    pid,
    port,
    url: `redis://127.0.0.1:${port}`,
    logFile,
    marker: `redis-server 127.0.0.1:${port}`,
  };
  ctx.spawned(record);
  await waitForReady({ name: 'Redis', pid, logFile, timeoutMs: 20_000, probe: () => pingRedis(port) });
  return record;
}
