import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GrantlineTestClient } from '../support/oauth-test-client';
import {
  AnswerRecorder,
  logTimeline,
  outcomesOf,
  sleep,
  timeline,
  waitFor,
  waitForLogEntry,
  withDiagnostics,
  type Answer,
} from '../support/projection-outage';
import { projectionWatermark, restoreFixture, saveSnapshot } from '../support/restore-fixture';

jest.setTimeout(120_000);

/** The projector's check interval (GRANTLINE_PROJECTION_CHECK_INTERVAL_MS, default). */
const CHECK_INTERVAL_MS = 500;
/** What a stale `active: true` may last at most after the restart: one check interval plus a margin. */
const STALE_BOUND_MS = CHECK_INTERVAL_MS + 1_000;
const POLL_EVERY_MS = 20;
const FRESH_EVERY_MS = 100;
/** From the restart to answering correctly again. */
const RECOVERY_BOUND_MS = 20_000;
const STEADY_MS = 1_000;
/** Tokens issued after the revocation, so the projector has applied more beyond the snapshot. */
const MORE_EVENTS = 3;

const fixture = restoreFixture('prestore');

it('never serves a revoked token as active after Redis comes back from a snapshot taken before the revocation', async () => {
  const restore = fixture();
  const { stack: running, redis: privateRedis, snapshotFile } = restore;
  const client = new GrantlineTestClient(running.url, running.adminToken);
  const registered = await client.registerClient({ name: 'restored', scopes: 'read' });
  const { client_id: clientId, client_secret: secret } = registered;
  const recorder = new AnswerRecorder(clientId, secret);
  const introspectors = running.replicas('introspection');
  expect(introspectors).toHaveLength(2);
  const targets = [
    { via: 'edge', url: running.url },
    ...introspectors.map((replica) => ({ via: `${replica.name}-${replica.replica}`, url: replica.url })),
  ];

  // A is active everywhere; the snapshot holds it so.
  const tokenA = String((await client.clientCredentials(clientId, secret, 'read')).access_token);
  for (const target of targets) {
    expect(await client.introspect(tokenA, clientId, secret, target.url)).toMatchObject({ active: true });
  }
  const snapshotWatermark = await projectionWatermark(privateRedis.url, running.prefix);
  await saveSnapshot(restore);

  // Revoke A, then record more events, and let every reader see the store beyond the snapshot.
  expect((await client.revoke(tokenA)).status).toBe(200);
  for (let index = 0; index < MORE_EVENTS; index += 1) await client.clientCredentials(clientId, secret, 'read');
  const seenWatermark = await waitFor(
    'the projector applying the revocation and the issuances',
    async () => {
      const applied = await projectionWatermark(privateRedis.url, running.prefix);
      return applied >= snapshotWatermark + 1 + MORE_EVENTS ? applied : undefined;
    },
    10_000,
  );
  for (let round = 0; round < 3; round += 1) {
    for (const target of targets) {
      expect(await client.introspect(tokenA, clientId, secret, target.url)).toEqual({ active: false });
    }
  }

  // Kill Redis (SIGKILL: no save on the way down), put the old snapshot back, and start it again.
  await privateRedis.stop('SIGKILL');
  const killed = Date.now();
  expect(readFileSync(join(privateRedis.dir, 'dump.rdb')).equals(readFileSync(snapshotFile))).toBe(true);
  copyFileSync(snapshotFile, join(privateRedis.dir, 'dump.rdb'));

  let restarted: number | undefined;
  let restartedReady: number | undefined;
  let recovered: number | undefined;
  const describeRun = () =>
    `watermark ${snapshotWatermark} in the snapshot, ${seenWatermark} seen before the kill; restart at ` +
    `+${restarted === undefined ? '?' : restarted - killed} ms from the kill; timeline (ms from the restart):\n` +
    timeline(recorder.answers, restarted ?? killed);

  await withDiagnostics(running, describeRun, async () => {
    const deadline = killed + 5_000 + RECOVERY_BOUND_MS;
    const done = () => Date.now() > deadline || (recovered !== undefined && Date.now() > recovered + STEADY_MS);
    const afterRestart = (answer: Answer) => restarted !== undefined && answer.start >= restarted;
    // Recovered once, after the restart, A answers 200 inactive on every target and a new token works.
    const correctAgain = new Map<string, number>();
    const noteRecovery = () => {
      if (recovered === undefined && correctAgain.size === targets.length + 1) {
        recovered = Math.max(...correctAgain.values());
      }
    };
    const poll = async (target: { via: string; url: string }) => {
      while (!done()) {
        const answer = await recorder.introspect('introspect A', target.url, tokenA, target.via);
        if (afterRestart(answer) && answer.status === 200 && answer.active === false && !correctAgain.has(target.via)) {
          correctAgain.set(target.via, answer.end);
          noteRecovery();
        }
        await sleep(POLL_EVERY_MS);
      }
    };
    const fresh = async () => {
      while (!done()) {
        const issued = await recorder.issue(running.url);
        if (issued.status === 200 && issued.token !== undefined) {
          const answer = await recorder.introspect('introspect fresh', running.url, issued.token);
          if (afterRestart(issued) && answer.status === 200 && answer.active === true && !correctAgain.has('fresh')) {
            correctAgain.set('fresh', answer.end);
            noteRecovery();
          }
        }
        await sleep(FRESH_EVERY_MS);
      }
    };
    const restart = async () => {
      await sleep(300);
      restarted = Date.now();
      await privateRedis.restart();
      restartedReady = Date.now();
    };
    await Promise.all([...targets.map(poll), fresh(), restart()]);
    if (restarted === undefined) throw new Error('Redis was not restarted');
    const origin = restarted;

    const answers = recorder.answers;
    const forA = answers.filter((answer) => answer.endpoint === 'introspect A');
    const staleActive = forA.filter((answer) => answer.active === true);
    const staleWindowMs = staleActive.length === 0 ? 0 : Math.max(...staleActive.map((answer) => answer.end)) - origin;
    const first503 = answers.find((answer) => answer.start >= origin && answer.status === 503);
    const recoveryMs = recovered === undefined ? undefined : recovered - origin;
    const steady = forA.filter((answer) => recovered !== undefined && answer.start >= recovered);
    const replaying = await waitForLogEntry(running, 'projector-0', 'projection behind the log: replaying', killed);
    const rebuilt = await waitForLogEntry(running, 'projector-0', 'projection rebuilt and open again', killed);
    const firstIssued = answers.find(
      (answer) => answer.start >= origin && answer.endpoint === 'issue' && answer.status === 200,
    );
    process.stdout.write(
      [
        `projection restore: Redis answering ${restartedReady === undefined ? '?' : restartedReady - origin} ms after the restart;` +
          ` active:true for revoked A in ${staleActive.length} answers, window ${staleWindowMs} ms;` +
          ` first 503 at +${first503 === undefined ? 'never' : first503.start - origin} ms;` +
          ` recovered at +${recoveryMs ?? 'never'} ms`,
        `  watermark ${snapshotWatermark} in the snapshot, ${seenWatermark} seen by the readers before the kill`,
        `  projector: ${replaying.map((entry) => String(entry.reason)).join(', ') || 'no regression logged'};` +
          ` rebuilt ${rebuilt.map((entry) => `${String(entry.reason)} in ${String(entry.seconds)} s`).join(', ') || 'never'}`,
        `  ${answers.length} requests; before the restart: ${outcomesOf(answers.filter((answer) => answer.end < origin)).join('; ')}`,
        `  from the restart to recovery: ${outcomesOf(
          answers.filter((answer) => answer.start >= origin && (recovered === undefined || answer.end < recovered)),
        ).join('; ')}`,
        `  after recovery (A): ${outcomesOf(steady).join('; ')}; first token issued at +${
          firstIssued === undefined ? 'never' : firstIssued.start - origin
        } ms`,
        `  projector log from the kill on (ms from the restart):\n${logTimeline(running.log('projector-0'), killed, origin)}`,
        '',
      ].join('\n'),
    );

    // No answer ever calls A active beyond one check interval (plus a margin) from the restart.
    expect(staleActive.filter((answer) => answer.end - origin > STALE_BOUND_MS)).toEqual([]);
    expect(staleWindowMs).toBeLessThanOrEqual(STALE_BOUND_MS);
    // Nothing but 200 and 503 temporarily_unavailable: no other failure, no dropped request.
    expect(
      answers.filter(
        (answer) => answer.status !== 200 && !(answer.status === 503 && answer.error === 'temporarily_unavailable'),
      ),
    ).toEqual([]);
    expect(first503).toBeDefined();
    expect(replaying.length).toBeGreaterThan(0);
    expect(recoveryMs).toBeDefined();
    expect(recoveryMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    expect(steady.length).toBeGreaterThan(0);
    expect(outcomesOf(steady)).toEqual(['introspect A 200 active:false']);
    expect(rebuilt.some((entry) => entry.reason === 'regressed')).toBe(true);
  });
});
