import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNginx, freePort } from '@grantline/lib-infra';
import { startEdgeProxy, type EdgeProxy } from '@grantline/lib-stack';
import { GracefulShutdown } from './graceful-shutdown';

/**
 * The drain against the real edge: nginx with the generated config in front of two replicas,
 * a high request rate of POSTs over kept-alive connections, and one replica after the other
 * drained and started again. nginx is never told a replica leaves (as in the local stack), so
 * only the replicas' drain keeps every answer a 200.
 */
const DELAY_MS = 1_500;
const CYCLES = 6;
const LOOPS = 12;

interface Replica {
  server: Server;
  shutdown: GracefulShutdown;
}

async function startReplica(port: number): Promise<Replica> {
  const server = createServer();
  server.keepAliveTimeout = 65_000;
  const shutdown = new GracefulShutdown(server, {
    settings: { delayMs: DELAY_MS, timeoutMs: 3_000 },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    release: async () => undefined,
  });
  server.on(
    'request',
    shutdown.guard((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end('{"access_token":"x"}');
        }, 2),
      );
    }),
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, shutdown };
}

let workDir: string;
let edge: EdgeProxy | undefined;
let replicas: Replica[] = [];

afterAll(async () => {
  await edge?.stop();
  for (const { server } of replicas) {
    server.closeAllConnections();
    server.close();
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

it('answers every POST through nginx with a 200 while replicas drain and restart under load', async () => {
  workDir = mkdtempSync(join(tmpdir(), 'grantline-edge-drain-'));
  const taken = new Set<number>();
  while (taken.size < 3) taken.add(await freePort());
  const [publicPort, first, second] = [...taken] as [number, number, number];
  const ports = [first, second];
  replicas = [await startReplica(first), await startReplica(second)];
  const upstreams = Object.fromEntries(
    ['authorize', 'token', 'introspection', 'device-polling', 'admin'].map((service) => [service, ports]),
  );
  edge = startEdgeProxy({ nginx: await ensureNginx(), workDir, port: publicPort, upstreams });
  const agent = new Agent({ keepAlive: true, maxSockets: LOOPS });
  const post = () =>
    new Promise<number | string>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: publicPort, method: 'POST', path: '/oauth/token', agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', (error) => resolve(error.message));
      req.setHeader('Content-Type', 'application/x-www-form-urlencoded');
      req.end('grant_type=client_credentials');
    });
  // nginx may take a moment to listen.
  for (let attempt = 0; (await post()) !== 200; attempt += 1) {
    if (attempt > 50) throw new Error('nginx did not answer');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  let answered = 0;
  const failures: Array<number | string> = [];
  let running = true;
  const loop = async () => {
    while (running) {
      const outcome = await post();
      if (outcome === 200) answered += 1;
      else failures.push(outcome);
    }
  };
  const loops = Array.from({ length: LOOPS }, loop);
  const drained: Array<{ forced: number; releaseFailed: boolean }> = [];
  for (let cycle = 0; cycle < CYCLES; cycle += 1) {
    const index = cycle % 2;
    const replica = replicas[index] as Replica;
    drained.push(await replica.shutdown.run());
    replicas[index] = await startReplica(ports[index] as number);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  running = false;
  await Promise.all(loops);
  agent.destroy();

  const resets = readFileSync(join(workDir, 'nginx', 'error.log'), 'utf8')
    .split('\n')
    .filter((line) => /reset by peer|prematurely closed/.test(line));
  expect({ failures: failures.slice(0, 10), count: failures.length, resets: resets.slice(0, 3) }).toEqual({
    failures: [],
    count: 0,
    resets: [],
  });
  expect(answered).toBeGreaterThan(CYCLES * 100);
  expect(drained).toEqual(Array.from({ length: CYCLES }, () => ({ forced: 0, releaseFailed: false })));
}, 120_000);
