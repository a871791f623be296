import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { GrantlineTestClient } from '../support/oauth-test-client';
import { AnswerRecorder, outcomesOf, sleep, timeline, waitFor, withDiagnostics } from '../support/projection-outage';
import { restoreFixture, snapshotThenRevoke } from '../support/restore-fixture';

// Redis restarted from a snapshot taken before a revocation while the projector is stopped (a
// crashed or rescheduled pod): no check runs, so only the readers can refuse. They serve only from
// the Redis process the projector last checked (its run_id, decision 0018), so none answers the
// revoked token as active, for as long as the projector stays stopped; it recovers once it runs.

jest.setTimeout(120_000);

/** How long the projector stays stopped after the restart while the readers are asked. */
const STOPPED_MS = 3_000;
const POLL_EVERY_MS = 50;
const RECOVERY_BOUND_MS = 20_000;

const fixture = restoreFixture('pstopped');

it('never answers a revoked token active from a Redis restored while the projector is stopped', async () => {
  const restore = fixture();
  const { stack: running, redis: privateRedis, snapshotFile } = restore;
  const client = new GrantlineTestClient(running.url, running.adminToken);
  const { client_id: clientId, client_secret: secret } = await client.registerClient({ name: 'b', scopes: 'read' });
  const recorder = new AnswerRecorder(clientId, secret);
  const [first, second] = running.replicas('introspection');
  const [projector] = running.replicas('projector');
  if (!first || !second || !projector?.child.pid) throw new Error('the stack lacks introspection or projector');
  const targets = [
    { via: 'edge', url: running.url },
    { via: 'introspection-0', url: first.url },
    { via: 'introspection-1', url: second.url },
  ];

  // B is active on both replicas; the snapshot holds it so.
  const tokenB = String((await client.clientCredentials(clientId, secret, 'read')).access_token);
  for (const target of targets) {
    expect(await client.introspect(tokenB, clientId, secret, target.url)).toMatchObject({ active: true });
  }
  // Revoke B and let the projector apply it; only the first replica reads again, so the second
  // has seen no watermark newer than the snapshot's.
  await snapshotThenRevoke(restore, async () => expect((await client.revoke(tokenB)).status).toBe(200));
  expect(await client.introspect(tokenB, clientId, secret, first.url)).toEqual({ active: false });

  // Stop the projector, kill Redis (no save on the way down), put the snapshot back, start it.
  const pid = projector.child.pid;
  process.kill(pid, 'SIGSTOP');
  let resumed = false;
  const resume = () => {
    if (!resumed) process.kill(pid, 'SIGCONT');
    resumed = true;
  };
  try {
    await privateRedis.stop('SIGKILL');
    copyFileSync(snapshotFile, join(privateRedis.dir, 'dump.rdb'));
    const restarted = Date.now();
    await privateRedis.restart();
    const describeRun = () => `timeline (ms from the restart):\n${timeline(recorder.answers, restarted)}`;

    await withDiagnostics(running, describeRun, async () => {
      const until = Date.now() + STOPPED_MS;
      await Promise.all(
        targets.map(async (target) => {
          while (Date.now() < until) {
            await recorder.introspect('introspect B', target.url, tokenB, target.via);
            await sleep(POLL_EVERY_MS);
          }
        }),
      );
      const stopped = recorder.answers.filter((answer) => answer.start >= restarted);
      process.stdout.write(`projector stopped, Redis restored: ${outcomesOf(stopped).join('; ')}\n`);
      expect(stopped.filter((answer) => answer.active === true)).toEqual([]);
      // Once each replica has reconnected, it refuses (503) rather than answer from unchecked data.
      for (const target of targets) {
        const last = stopped.filter((answer) => answer.via === target.via).at(-1);
        expect(last).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
      }

      resume();
      const recovered = await waitFor(
        'every target answering B inactive once the projector runs again',
        async () => {
          for (const target of targets) {
            const answer = await recorder.introspect('introspect B', target.url, tokenB, target.via);
            if (answer.status !== 200) return undefined;
          }
          return Date.now();
        },
        RECOVERY_BOUND_MS,
      );
      process.stdout.write(`recovered ${recovered - restarted} ms after the restart\n`);
      const all = recorder.answers.filter((answer) => answer.start >= restarted);
      expect(all.filter((answer) => answer.active === true)).toEqual([]);
      expect(
        all.filter(
          (answer) => answer.status !== 200 && !(answer.status === 503 && answer.error === 'temporarily_unavailable'),
        ),
      ).toEqual([]);
    });
  } finally {
    resume();
  }
});
