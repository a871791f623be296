import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaEventLog } from '@grantline/lib-event-log';
import { GrantlineTestClient } from '../support/oauth-test-client';
import {
  AnswerRecorder,
  logEntries,
  outcomesOf,
  sleep,
  timeline,
  waitFor,
  withDiagnostics,
  type Answer,
  type OutageStack,
} from '../support/projection-outage';
import { restoreFixture, saveSnapshot, snapshotThenRevoke, type RestoreFixture } from '../support/restore-fixture';
import { infraFromEnv } from './stack-fixture';

// The projector commits what it applied once per check interval. A snapshot taken inside that lag
// holds less than it applied, yet no less than the group committed: restored while the projector
// is dead, it looked complete to a new projector, which recorded the new Redis process as checked
// while a revocation was missing. A process no check has found holding the log is now recorded
// only once the projector has caught it up to where the log ended (decision 0018).

jest.setTimeout(240_000);

/** The longest check interval there is, so the commit surely lags what the projector applied. */
const CHECK_INTERVAL_MS = 10_000;
const POLL_EVERY_MS = 20;
/** From the Redis restart to every target answering again; a new projector joins the group in it. */
const RECOVERY_BOUND_MS = 60_000;
/** How long the answers are still watched once every target answers again. */
const WATCHED_AFTER_MS = 2_000;

const fixture = restoreFixture('commitlag', {
  env: { GRANTLINE_PROJECTION_CHECK_INTERVAL_MS: String(CHECK_INTERVAL_MS) },
});
let events: KafkaEventLog | undefined;

afterAll(async () => {
  await events?.close();
});

/** The partitions (`tokens:<n>`) whose last offset the group has not committed as applied. */
function uncommitted(committed: ReadonlyMap<string, string>, ends: ReadonlyMap<string, string>): string[] {
  return [...ends]
    .filter(([partition, offset]) => BigInt(committed.get(partition) ?? '-1') < BigInt(offset))
    .map(([partition]) => partition);
}

/** A confidential client registered on the stack, its answer recorder, and where it introspects. */
async function introspectingClient(running: OutageStack, name: string) {
  const client = new GrantlineTestClient(running.url, running.adminToken);
  const { client_id: clientId, client_secret: secret } = await client.registerClient({ name, scopes: 'read' });
  const introspectors = running.replicas('introspection');
  const targets = [
    { via: 'edge', url: running.url },
    ...introspectors.map((replica) => ({ via: `introspection-${replica.replica}`, url: replica.url })),
  ];
  return { client, clientId, secret, recorder: new AnswerRecorder(clientId, secret), targets };
}

/** Kills Redis (nothing saved on the way down), puts the fixture's snapshot back and starts it; when it started. */
async function restartFromSnapshot({ redis, snapshotFile }: RestoreFixture): Promise<number> {
  await redis.stop('SIGKILL');
  copyFileSync(snapshotFile, join(redis.dir, 'dump.rdb'));
  const restarted = Date.now();
  await redis.restart();
  return restarted;
}

/**
 * Introspects `token` at every target every POLL_EVERY_MS while `during` runs, then until every
 * target has answered 200 and WATCHED_AFTER_MS more. Returns how long after `since` the last
 * target to answer 200 again first did: how long readers stayed closed.
 */
async function introspectAcross(
  recorder: AnswerRecorder,
  targets: ReadonlyArray<{ via: string; url: string }>,
  token: string,
  since: number,
  during: () => Promise<void>,
): Promise<number> {
  let watching = true;
  const polls = targets.map(async (target) => {
    while (watching) {
      await recorder.introspect('introspect', target.url, token, target.via);
      await sleep(POLL_EVERY_MS);
    }
  });
  try {
    await during();
    const firstServed = () =>
      targets.map(({ via }) =>
        recorder.answers.find((answer) => answer.via === via && answer.start >= since && answer.status === 200),
      );
    await waitFor(
      'every target answering again',
      async () => (firstServed().every(Boolean) ? true : undefined),
      RECOVERY_BOUND_MS,
    );
    await sleep(WATCHED_AFTER_MS);
    return Math.max(...firstServed().map((answer) => (answer?.start ?? Infinity) - since));
  } finally {
    watching = false;
    await Promise.all(polls);
  }
}

/** Answers that are neither 200 nor a 503 `temporarily_unavailable`. */
const unexpected = (answers: readonly Answer[]) =>
  answers.filter(
    (answer) => answer.status !== 200 && !(answer.status === 503 && answer.error === 'temporarily_unavailable'),
  );

it('never answers a revoked token active when Redis comes back from a snapshot taken inside the commit lag and a new projector starts', async () => {
  const restore = fixture();
  const { stack: running } = restore;
  events = new KafkaEventLog({
    brokers: infraFromEnv().kafkaBrokers.split(','),
    clientId: 'commit-lag-test',
    topicPrefix: `${running.namespace}.`,
    appendTimeoutMs: 10_000,
  });
  const log = events;
  const groupId = `${running.namespace}.projector`;
  const { client, clientId, secret, recorder, targets } = await introspectingClient(running, 'b');
  const [projector] = running.replicas('projector');
  if (!projector) throw new Error('the stack started no projector');

  const tokenB = String((await client.clientCredentials(clientId, secret, 'read')).access_token);
  for (const target of targets) {
    expect(await client.introspect(tokenB, clientId, secret, target.url)).toMatchObject({ active: true });
  }
  // Just after a periodic commit that covers B's issuance: the next one is a whole interval away.
  const issued = await log.lastOffsets(['tokens']);
  await waitFor(
    'the projector committing the issuance of B',
    async () => (uncommitted(await log.committedOffsets(groupId, ['tokens']), issued).length === 0 ? true : undefined),
    2 * CHECK_INTERVAL_MS + 5_000,
  );
  // Revoked (event and marker written through), applied by the projector, killed before its commit.
  await snapshotThenRevoke(restore, async () => expect((await client.revoke(tokenB)).status).toBe(200));
  expect(await client.introspect(tokenB, clientId, secret, running.url)).toEqual({ active: false });
  await projector.stop('SIGKILL');
  // The case under test: the group's commit does not cover the revocation the store had.
  const committed = await log.committedOffsets(groupId, ['tokens']);
  expect(uncommitted(committed, await log.lastOffsets(['tokens']))).not.toEqual([]);

  const restarted = await restartFromSnapshot(restore);
  const describeRun = () => `timeline (ms from the restart):\n${timeline(recorder.answers, restarted)}`;
  await withDiagnostics(running, describeRun, async () => {
    let projectorReady = 0;
    const closedMs = await introspectAcross(recorder, targets, tokenB, restarted, async () => {
      await running.startReplica('projector');
      projectorReady = Date.now();
    });

    const answers = recorder.answers.filter((answer) => answer.start >= restarted);
    const reopened = logEntries(running.log('projector-1'), 'projection rebuilt and open again');
    process.stdout.write(
      `Redis restored inside the commit lag, new projector, B revoked: ${outcomesOf(answers).join('; ')}\n` +
        `new projector ready ${projectorReady - restarted} ms after the restart; readers closed for ` +
        `${closedMs} ms after it; ${JSON.stringify(reopened.map(({ reason, seconds }) => ({ reason, seconds })))}\n`,
    );
    expect(answers.filter((answer) => answer.active === true)).toEqual([]);
    expect(unexpected(answers)).toEqual([]);
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);
    expect(reopened).toEqual([expect.objectContaining({ reason: 'regressed' })]);
  });
});

it('closes the readers for a moment only when Redis restarts from a complete snapshot under a running projector', async () => {
  const restore = fixture();
  const { stack: running } = restore;
  const { client, clientId, secret, recorder, targets } = await introspectingClient(running, 'c');
  const tokenC = String((await client.clientCredentials(clientId, secret, 'read')).access_token);
  await waitFor(
    'every target answering C active',
    async () => {
      for (const target of targets) {
        if ((await client.introspect(tokenC, clientId, secret, target.url)).active !== true) return undefined;
      }
      return true;
    },
    10_000,
  );
  await saveSnapshot(restore);

  const restarted = await restartFromSnapshot(restore);
  const closedMs = await introspectAcross(recorder, targets, tokenC, restarted, async () => undefined);

  const answers = recorder.answers.filter((answer) => answer.start >= restarted);
  process.stdout.write(
    `Redis restarted from a complete snapshot, projector running, C active: ${outcomesOf(answers).join('; ')}\n` +
      `readers closed for ${closedMs} ms after the restart\n`,
  );
  expect(answers.filter((answer) => answer.status === 200 && answer.active !== true)).toEqual([]);
  expect(unexpected(answers)).toEqual([]);
});
