import { Redis } from 'ioredis';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { startPrivateRedis, type PrivateRedis } from '@grantline/lib-infra';
import {
  AnswerRecorder,
  logTimeline,
  outcomesOf,
  sleep,
  startStackOnRedis,
  timeline,
  waitFor,
  waitForLogEntry,
  withDiagnostics,
  type Answer,
  type OutageStack,
} from '../support/projection-outage';

jest.setTimeout(120_000);

/** Concurrent loops, each introspecting A and B and asking for a token, one round at a time. */
const LOOPS = 4;
const LOAD_BEFORE_FLUSH_MS = 1_000;
/** The load stops here whatever happened. */
const LOAD_MAX_MS = 30_000;
/** From FLUSHALL to answering again (the projector checks every 500 ms, then replays a short log). */
const RECOVERY_BOUND_MS = 20_000;
/** How long the load goes on once recovered, to see it stays so. */
const STEADY_MS = 1_500;
const READYZ_EVERY_MS = 50;

let redis: PrivateRedis | undefined;
let stack: OutageStack | undefined;

beforeAll(async () => {
  redis = await startPrivateRedis();
  stack = await startStackOnRedis('ploss', redis.url);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await redis?.close();
});

it('answers 503, never a revoked token active, while the projection is rebuilt after FLUSHALL, and recovers by itself', async () => {
  if (!stack || !redis) throw new Error('the stack did not start');
  const running = stack;
  const client = new GrantlineTestClient(running.url, running.adminToken);
  const registered = await client.registerClient({ name: 'flushed', scopes: 'read' });
  const { client_id: clientId, client_secret: secret } = registered;
  const tokenA = String((await client.clientCredentials(clientId, secret, 'read')).access_token);
  const tokenB = String((await client.clientCredentials(clientId, secret, 'read')).access_token);
  expect((await client.revoke(tokenA)).status).toBe(200);
  expect(await client.introspect(tokenA, clientId, secret)).toEqual({ active: false });
  expect(await client.introspect(tokenB, clientId, secret)).toMatchObject({ active: true });

  const recorder = new AnswerRecorder(clientId, secret);
  const introspectors = running.replicas('introspection');
  expect(introspectors).toHaveLength(2);
  const loadStart = Date.now();
  let flushSent: number | undefined;
  let flushed: number | undefined;
  let recovered: number | undefined;

  const describeRun = () =>
    `flushed at +${flushed === undefined ? '?' : flushed - loadStart} ms, recovered at ` +
    `+${recovered === undefined ? '?' : recovered - loadStart} ms; timeline (ms from load start):\n` +
    timeline(recorder.answers, loadStart);
  await withDiagnostics(running, describeRun, async () => {
    const deadline = loadStart + LOAD_MAX_MS;
    const done = () => Date.now() > deadline || (recovered !== undefined && Date.now() > recovered + STEADY_MS);
    // The stack is recovered once, after the flush, B introspects active and a token is issued again.
    let liveAgain: number | undefined;
    let issuedAgain: number | undefined;
    const afterFlush = (answer: Answer) => flushed !== undefined && answer.start >= flushed;
    const load = async () => {
      while (!done()) {
        const [, b, issued] = await Promise.all([
          recorder.introspect('introspect A', running.url, tokenA),
          recorder.introspect('introspect B', running.url, tokenB),
          recorder.issue(running.url),
        ]);
        if (afterFlush(b) && b.status === 200 && b.active === true) liveAgain ??= b.end;
        if (afterFlush(issued) && issued.status === 200) issuedAgain ??= issued.end;
        if (recovered === undefined && liveAgain !== undefined && issuedAgain !== undefined) {
          recovered = Math.max(liveAgain, issuedAgain);
        }
      }
    };
    const sampleReadiness = async () => {
      while (!done()) {
        await Promise.all(introspectors.map((replica) => recorder.readyz(replica)));
        await sleep(READYZ_EVERY_MS);
      }
    };
    const flush = async () => {
      await sleep(LOAD_BEFORE_FLUSH_MS);
      const flusher = new Redis(redis?.url ?? '', { maxRetriesPerRequest: 1 });
      try {
        flushSent = Date.now();
        expect(await flusher.flushall()).toBe('OK');
        flushed = Date.now();
      } finally {
        flusher.disconnect();
      }
    };
    await Promise.all([...Array.from({ length: LOOPS }, load), sampleReadiness(), flush()]);

    const answers = recorder.answers;
    const requests = answers.filter((answer) => answer.endpoint !== 'readyz');
    if (flushed === undefined || flushSent === undefined) throw new Error('FLUSHALL was not sent');
    const [flushAt, sentAt] = [flushed, flushSent];
    const before = requests.filter((answer) => answer.end < sentAt);
    // Requests asked once FLUSHALL was sent may have read Redis before or after it ran; the 503s
    // among them show the outage. The test may learn of the flush late (a busy machine), so the
    // outage can be over, even, by the time it does.
    const failures = requests.filter((answer) => answer.start >= sentAt && answer.status === 503);
    const lastFailure = Math.max(...failures.map((answer) => answer.start));
    const outage = requests.filter((answer) => answer.start >= sentAt && answer.start <= lastFailure);
    const steady = requests.filter((answer) => recovered !== undefined && answer.start >= recovered);
    // There is one outage: any moment from the FLUSHALL's reply to the last failure's start is in it.
    const readiness = answers.filter((answer) => answer.endpoint === 'readyz');
    const readinessInOutage = readiness.filter((answer) => answer.start >= flushAt && answer.end <= lastFailure);

    const recoveryMs = recovered === undefined ? undefined : recovered - flushAt;
    const rebuilt = await waitForLogEntry(running, 'projector-0', 'projection rebuilt and open again', sentAt);
    process.stdout.write(
      [
        `projection rebuilt after FLUSHALL in ${recoveryMs ?? 'never'} ms` +
          ` (projector says ${rebuilt.map((entry) => `${String(entry.reason)} ${String(entry.seconds)} s`).join(', ') || 'nothing'})`,
        `  ${requests.length} requests in ${Date.now() - loadStart} ms; ${outage.length} in the outage window` +
          ` (${failures.length} of them 503, the last asked at ` +
          `+${Number.isFinite(lastFailure) ? lastFailure - sentAt : '?'} ms from FLUSHALL sent),` +
          ` ${readinessInOutage.length} readyz samples in it`,
        `  before the flush: ${outcomesOf(before).join('; ')}`,
        `  during the outage: ${outcomesOf(outage).join('; ')}`,
        `  readyz during the outage: ${outcomesOf(readinessInOutage).join('; ') || 'not sampled'}`,
        `  after recovery: ${outcomesOf(steady).join('; ')}`,
        `  projector log from FLUSHALL on:\n${logTimeline(running.log('projector-0'), sentAt, sentAt)}`,
        '',
      ].join('\n'),
    );

    // A revoked token is never active: not before, not during, not after the rebuild.
    expect(requests.filter((answer) => answer.endpoint === 'introspect A' && answer.active === true)).toEqual([]);
    // B is live: when an answer is given it says so; issuance never hands out a failure other than 503.
    expect(requests.filter((answer) => answer.endpoint === 'introspect B' && answer.active === false)).toEqual([]);
    expect(requests.filter((answer) => answer.status === 0 || (answer.status >= 500 && answer.status !== 503))).toEqual(
      [],
    );
    expect(outcomesOf(before)).toEqual(['introspect A 200 active:false', 'introspect B 200 active:true', 'issue 200']);
    // Every answer, in or out of the outage, is right or a 503: never invalid_client for a client
    // the flush took away, never an inactive live token.
    expect(
      requests.filter(
        (answer) =>
          !(answer.status === 503 && answer.error === 'temporarily_unavailable') &&
          !['introspect A 200 active:false', 'introspect B 200 active:true', 'issue 200'].includes(
            outcomesOf([answer]).join(''),
          ),
      ),
    ).toEqual([]);
    expect(failures.length).toBeGreaterThan(0);
    expect(readinessInOutage.filter((answer) => answer.status !== 503)).toEqual([]);

    expect(recoveryMs).toBeDefined();
    expect(recoveryMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    expect(rebuilt.some((entry) => entry.reason === 'lost')).toBe(true);
    expect(outcomesOf(steady)).toEqual(['introspect A 200 active:false', 'introspect B 200 active:true', 'issue 200']);

    // After recovery every replica is ready, A stays revoked everywhere, and a new token works.
    for (const replica of introspectors) {
      await waitFor(
        `${replica.name}-${replica.replica} ready again`,
        async () => ((await recorder.readyz(replica)).status === 200 ? true : undefined),
        5_000,
      );
      expect(await client.introspect(tokenA, clientId, secret, replica.url)).toEqual({ active: false });
    }
    const fresh = String((await client.clientCredentials(clientId, secret, 'read')).access_token);
    for (const replica of introspectors) {
      expect(await client.introspect(fresh, clientId, secret, replica.url)).toMatchObject({
        active: true,
        client_id: clientId,
      });
    }
  });
});
