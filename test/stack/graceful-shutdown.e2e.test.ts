import { readFileSync } from 'node:fs';
import type { ServiceExit, ServiceProcess } from '@grantline/lib-stack';
import { runIssuanceLoad } from '../support/issuance-load';
import { issuedEventsByJti } from '../support/issued-events';
import { pollUntil } from '../support/poll-until';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startTestStack } from './stack-fixture';

/** What the stack gives every service (libs/stack): a 2 s drain delay and a 5 s deadline. */
const DRAIN_DELAY_MS = 2_000;
const DRAIN_TIMEOUT_MS = 5_000;
/** Delay, deadline, and the flush of the producer and telemetry, with room for a busy machine. */
const EXIT_WITHIN_MS = DRAIN_DELAY_MS + DRAIN_TIMEOUT_MS + 5_000;

let stack: Awaited<ReturnType<typeof startTestStack>>;

beforeAll(async () => {
  stack = await startTestStack('graceful', {
    replicas: { token: 2, introspection: 2, authorize: 1, devicePolling: 1 },
  });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

interface Stopped {
  exit: ServiceExit;
  elapsedMs: number;
  /** Statuses of the replica's own /readyz between the signal and its exit ('refused' once it stopped listening). */
  readiness: Array<number | 'refused'>;
}

/** SIGTERMs a replica and watches its own readiness probe until it has exited. */
async function stopWatching(service: ServiceProcess): Promise<Stopped> {
  const readiness: Stopped['readiness'] = [];
  let exited = false;
  const started = Date.now();
  const stopped = service.stop('SIGTERM').then((exit) => {
    exited = true;
    return exit;
  });
  while (!exited) {
    try {
      const response = await fetch(`${service.url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      readiness.push(response.status);
    } catch {
      readiness.push('refused');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const exit = await stopped;
  return { exit, elapsedMs: Date.now() - started, readiness };
}

it('stops a token and an introspection replica under load with every answer a 200 and every token logged once', async () => {
  const client = await new GrantlineTestClient(stack.url, stack.adminToken).registerClient({
    name: 'graceful',
    scopes: 'read',
  });
  const token = stack.replicaOf('token', 0);
  const introspection = stack.replicaOf('introspection', 0);
  if (!token || !introspection) throw new Error('the stack did not start two token and two introspection replicas');

  const load = runIssuanceLoad({
    url: stack.url,
    clientId: client.client_id,
    clientSecret: client.client_secret,
    concurrency: 4,
    durationMs: 9_000,
  });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const [tokenStop, introspectionStop] = await Promise.all([stopWatching(token), stopWatching(introspection)]);
  const outcome = await load;

  expect({ failures: outcome.failures.slice(0, 10), count: outcome.failures.length }).toEqual({
    failures: [],
    count: 0,
  });
  expect(outcome.jtis.length).toBeGreaterThan(20);

  for (const [name, stopped] of [
    ['token', tokenStop],
    ['introspection', introspectionStop],
  ] as const) {
    expect({ name, exit: stopped.exit }).toEqual({ name, exit: { code: 0, signal: null } });
    expect(stopped.elapsedMs).toBeLessThan(EXIT_WITHIN_MS);
    // Unready once the signal arrived, for as long as it still listened (a first probe may beat the signal).
    const answered = stopped.readiness.filter((status) => status !== 'refused');
    const firstUnready = answered.indexOf(503);
    expect({ name, answered }).toEqual({ name, answered: expect.arrayContaining([503]) });
    expect(new Set(answered.slice(firstUnready))).toEqual(new Set([503]));
  }
  const tokenLog = readFileSync(token.logFile, 'utf8');
  for (const phase of ['shutdown: unready', 'shutdown: stopped accepting', 'shutdown: adapters flushed and closed']) {
    expect(tokenLog).toContain(phase);
  }

  const events = await issuedEventsByJti(stack.env, 'graceful-shutdown-test');
  const missingOrRepeated = outcome.jtis.filter((jti) => events.get(jti) !== 1);
  expect(missingOrRepeated).toEqual([]);
  expect(new Set(outcome.jtis).size).toBe(outcome.jtis.length);
}, 120_000);

it('reports the projector ready once its group has caught up with the log, lag included in its checks', async () => {
  const projector = stack.replicaOf('projector', 0);
  if (!projector) throw new Error('the stack started no projector');
  const read = async () => {
    const response = await fetch(`${projector.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as { checks?: Record<string, boolean> } };
  };
  const ready = await pollUntil(read, (answer) => answer.status === 200, 30_000, 200);
  expect(ready).toEqual({
    status: 200,
    body: expect.objectContaining({ checks: { kafka: true, redis: true, lag: true } }),
  });
});
