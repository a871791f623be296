import { Agent, createServer, request, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GracefulShutdown } from './graceful-shutdown';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A server whose `/slow` requests wait until the test ends them; everything else answers at once. */
async function startServer(settings: { delayMs: number; timeoutMs: number }) {
  const server: Server = createServer();
  const slow: ServerResponse[] = [];
  const events: string[] = [];
  const shutdown = new GracefulShutdown(server, {
    settings,
    logger: quiet,
    release: async () => {
      events.push(`release while ${server.listening ? 'listening' : 'closed'}, ${shutdown.phase}`);
    },
  });
  server.on(
    'request',
    shutdown.guard((req, res) => {
      if (req.url === '/slow') {
        slow.push(res);
        return;
      }
      const status = req.url === '/readyz' || req.url === '/healthz' || req.url === '/work' ? 200 : 404;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const get = (path: string, via: Agent | false = agent): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent: via }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const waitForSlow = async (count: number) => {
    while (slow.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { server, shutdown, slow, events, get, agent, waitForSlow };
}

type Running = Awaited<ReturnType<typeof startServer>>;
let running: Running | undefined;

afterEach(async () => {
  if (!running) return;
  running.agent.destroy();
  for (const res of running.slow) res.destroy();
  if (running.server.listening) await new Promise((resolve) => running?.server.close(resolve));
  running = undefined;
});

describe('GracefulShutdown', () => {
  it('answers /readyz 503 at once while /healthz and requests keep answering 200, with Connection: close', async () => {
    running = await startServer({ delayMs: 1_000, timeoutMs: 1_000 });
    const { shutdown, get } = running;
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/work')).headers.connection).toBe('keep-alive');

    const done = shutdown.run();
    expect(shutdown.phase).toBe('draining');
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'draining', checks: { draining: false } });
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.connection).toBe('close');
    // A new connection during the delay is still accepted.
    expect((await get('/work', false)).status).toBe(200);
    await expect(done).resolves.toEqual({ forced: 0, releaseFailed: false });
  });

  it('keeps connections open again in the last quarter of the delay, so a proxy reuses them instead of opening more', async () => {
    running = await startServer({ delayMs: 1_000, timeoutMs: 1_000 });
    const { shutdown, get } = running;
    const done = shutdown.run();
    expect((await get('/work')).headers.connection).toBe('close');
    while (shutdown.phase === 'draining') await new Promise((resolve) => setTimeout(resolve, 5));
    expect(shutdown.phase).toBe('settling');
    const settling = await get('/work');
    expect(settling).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } });
    expect((await get('/readyz')).status).toBe(503);
    // The peer drops its idle connections in its own time (nginx: after its upstream keepalive_timeout).
    running.agent.destroy();
    await expect(done).resolves.toEqual({ forced: 0, releaseFailed: false });
  });

  it('stops accepting after the delay, lets the request in flight finish, then releases the adapters', async () => {
    running = await startServer({ delayMs: 100, timeoutMs: 2_000 });
    const { shutdown, slow, events, get, waitForSlow } = running;
    const inFlight = get('/slow');
    await waitForSlow(1);

    const done = shutdown.run();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(shutdown.phase).toBe('closing');
    await expect(get('/work', false)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(events).toEqual([]);

    slow[0]?.writeHead(200).end('finished');
    const answer = await inFlight;
    expect(answer).toMatchObject({ status: 200, body: 'finished' });
    // Its headers were not sent when the drain began, so it asks for the connection to close too.
    expect(answer.headers.connection).toBe('close');
    await expect(done).resolves.toEqual({ forced: 0, releaseFailed: false });
    expect(events).toEqual(['release while closed, releasing']);
    expect(shutdown.phase).toBe('stopped');
  });

  it('cuts a request still running at the deadline and releases anyway', async () => {
    running = await startServer({ delayMs: 50, timeoutMs: 200 });
    const { shutdown, events, get, waitForSlow } = running;
    const stuck = get('/slow');
    await waitForSlow(1);
    const started = Date.now();

    await expect(shutdown.run()).resolves.toEqual({ forced: 1, releaseFailed: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    await expect(stuck).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(events).toEqual(['release while closed, releasing']);
  });

  it('closes keep-alive connections left idle through the whole delay without waiting for the deadline', async () => {
    running = await startServer({ delayMs: 100, timeoutMs: 5_000 });
    const { shutdown, server, get } = running;
    await get('/work');
    const sockets = await new Promise<number>((resolve, reject) =>
      server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
    expect(sockets).toBe(1);
    const started = Date.now();

    await expect(shutdown.run()).resolves.toEqual({ forced: 0, releaseFailed: false });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('runs its phases once however often it is asked', async () => {
    running = await startServer({ delayMs: 20, timeoutMs: 200 });
    const { shutdown, events } = running;
    const [first, second] = await Promise.all([shutdown.run(), shutdown.run()]);
    expect(first).toBe(second);
    expect(events).toHaveLength(1);
  });

  it('reports a release that failed', async () => {
    const server = createServer();
    const shutdown = new GracefulShutdown(server, {
      settings: { delayMs: 0, timeoutMs: 100 },
      logger: quiet,
      release: () => Promise.reject(new Error('producer gone')),
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await expect(shutdown.run()).resolves.toEqual({ forced: 0, releaseFailed: true });
    expect(server.listening).toBe(false);
  });
});
