import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { openShapedLink, type ShapedLink } from './shaped-link';

/**
 * Round trips, in ms, of `count` one-byte echoes from inside the namespace to 127.0.0.1:port;
 * gives up after `idleMs` without an answer.
 */
const ECHO_CLIENT = `
const [port, count, idleMs] = process.argv.slice(1).map(Number);
const socket = require('net').connect({ host: '127.0.0.1', port, noDelay: true });
const times = [];
let sent = 0;
const ping = () => { sent = performance.now(); socket.write('x'); };
socket.setTimeout(idleMs, () => { console.log(JSON.stringify({ error: 'timeout', times })); process.exit(0); });
socket.on('error', (error) => { console.log(JSON.stringify({ error: error.code, times })); process.exit(0); });
socket.on('connect', ping);
socket.on('data', () => {
  times.push(performance.now() - sent);
  if (times.length < count) ping(); else { console.log(JSON.stringify({ times })); socket.end(); }
});
`;

let link: ShapedLink;
let echo: Server;
let echoPort: number;

beforeAll(async () => {
  link = await openShapedLink();
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as { port: number }).port;
}, 120_000);

afterAll(async () => {
  await link?.close();
  await new Promise((resolve) => echo?.close(resolve));
});

/** Runs `node -e script args` inside the namespace and parses the JSON line it prints. */
function inside<T>(script: string, args: string[]): Promise<T> {
  const [command, ...rest] = link.wrap([process.execPath, '-e', script, ...args]);
  return new Promise((resolve, reject) => {
    const child = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'inherit'], timeout: 20_000 });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => {
      try {
        resolve(JSON.parse(output) as T);
      } catch {
        reject(new Error(`no answer from inside the namespace: ${output}`));
      }
    });
  });
}

const echoes = (count: number, idleMs = 3_000) =>
  inside<{ times: number[]; error?: string }>(ECHO_CLIENT, [String(echoPort), String(count), String(idleMs)]);

it('reaches nothing on the host before a port is forwarded', async () => {
  expect(await echoes(1)).toEqual({ error: 'ECONNREFUSED', times: [] });
});

it('reaches a forwarded host port at the same 127.0.0.1 address, delayed both ways while shaped, and clean again once cleared', async () => {
  await link.forward([echoPort], { shaped: true });
  const clean = await echoes(5);
  expect(clean.times).toHaveLength(5);

  await link.shape({ delayMs: 150 });
  expect(link.current).toEqual({ delayMs: 150, jitterMs: 0, lossPercent: 0 });
  const slowed = await echoes(3);
  // Each echo crosses the link twice; the delay is a floor, whatever the machine's load.
  expect(Math.min(...slowed.times)).toBeGreaterThanOrEqual(300);

  await link.clear();
  const healed = await echoes(5);
  expect(healed.times).toHaveLength(5);
  console.log(
    `echo round trips (ms): clean ${clean.times.map(Math.round)}, delay 150 ms ${slowed.times.map(Math.round)}, cleared ${healed.times.map(Math.round)}`,
  );
}, 60_000);

it('drops packets in the kernel: with 100 % loss nothing gets through', async () => {
  await link.forward([echoPort], { shaped: true });
  await link.shape({ delayMs: 0, lossPercent: 100 });
  expect(await echoes(1)).toEqual({ error: 'timeout', times: [] });
  expect((await link.dropped()).toHost).toBeGreaterThan(0);
  await link.clear();
  expect(await link.dropped()).toEqual({ toHost: 0, fromHost: 0 });
  expect((await echoes(2)).times).toHaveLength(2);
}, 60_000);

it('drops a share of packets in both directions, which TCP retransmits', async () => {
  await link.forward([echoPort], { shaped: true });
  await link.shape({ delayMs: 0, lossPercent: 20 });
  // 50 echoes send at least 50 packets each way; all of one direction surviving 20 % loss is a
  // one-in-70,000 chance. A lost packet waits for TCP's retransmission timeout (200 ms, doubling).
  const lossy = await echoes(50, 20_000);
  const dropped = await link.dropped();
  await link.clear();
  expect(lossy.times).toHaveLength(50);
  expect(dropped.toHost).toBeGreaterThan(0);
  expect(dropped.fromHost).toBeGreaterThan(0);
  console.log(
    `50 echoes at 20 % loss: dropped ${JSON.stringify(dropped)}, ${Math.round(lossy.times.reduce((a, b) => a + b, 0))} ms in all`,
  );
}, 60_000);

it('lets the host reach a server listening on the namespace loopback', async () => {
  const [command, ...args] = link.wrap([
    process.execPath,
    '-e',
    `const s = require('http').createServer((q, r) => r.end('inside')).listen(0, '127.0.0.1', () => console.log(s.address().port));`,
  ]);
  const server = spawn(command!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const innerPort = await new Promise<number>((resolve) =>
      server.stdout.once('data', (line: Buffer) => resolve(Number(line))),
    );
    const hostPort = await link.expose(innerPort);
    const response = await fetch(`http://127.0.0.1:${hostPort}/`, { signal: AbortSignal.timeout(5_000) });
    expect(await response.text()).toBe('inside');
  } finally {
    server.kill();
  }
}, 30_000);

it('refuses a shape it cannot apply and keeps the one in force', async () => {
  await link.shape({ delayMs: 10 });
  await expect(link.shape({ delayMs: 10, lossPercent: 120 })).rejects.toThrow(RangeError);
  expect(link.current.delayMs).toBe(10);
  await link.clear();
});

describe('clean-up', () => {
  const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });

  it('removes the namespace, the veth pair and so its rules on close, and tolerates a second close', async () => {
    const own = await openShapedLink();
    expect(ip('netns', 'list')).toContain(own.namespace);
    expect(ip('-o', 'addr')).toContain(own.hostAddress);
    await own.close();
    await own.close();
    expect(ip('netns', 'list')).not.toContain(own.namespace);
    expect(ip('-o', 'addr')).not.toContain(own.hostAddress);
  }, 30_000);

  it('sweeps the links of a process that died without closing them', async () => {
    const dead = execFileSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).trim();
    const leftover = `grantline-link-${dead}-1`;
    ip('netns', 'add', leftover);
    ip('link', 'add', 'glhsweep', 'type', 'veth', 'peer', 'name', 'glnsweep', 'netns', leftover);
    const fresh = await openShapedLink();
    try {
      expect(ip('netns', 'list')).not.toContain(leftover);
      expect(ip('-o', 'link')).not.toContain('glhsweep');
    } finally {
      await fresh.close();
    }
  }, 30_000);
});
