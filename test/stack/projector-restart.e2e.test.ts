import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streams, type GrantlineEvent } from '@grantline/lib-events';
import { KafkaEventLog } from '@grantline/lib-event-log';
import { ProjectionCheck, RedisProjectionControl, RedisProjectionStore } from '@grantline/lib-projections';
import { waitUntilReady, type ServiceProcess } from '@grantline/lib-stack';
import { pollUntil } from '../support/poll-until';
import { startProjectorProcess } from '../support/projector-process';
import { revocationEvent } from '../support/revocation-event';
import { infraFromEnv } from './stack-fixture';

const namespace = `tprojector${Date.now().toString(36)}`;
const workDir = mkdtempSync(join(tmpdir(), 'grantline-projector-'));
const infra = infraFromEnv();
const running: ServiceProcess[] = [];
const keys = { url: infra.redisUrl, keyPrefix: `${namespace}:` };
const log = new KafkaEventLog({
  brokers: infra.kafkaBrokers.split(','),
  clientId: 'projector-restart-test',
  topicPrefix: `${namespace}.`,
  appendTimeoutMs: 10_000,
});
const control = new RedisProjectionControl(keys);
const store = new RedisProjectionStore(keys);

function revoked(index: number): GrantlineEvent {
  return revocationEvent(`${namespace}-${index}`);
}

async function startProjector(): Promise<ServiceProcess> {
  const projector = await startProjectorProcess({ namespace, workDir, replica: running.length });
  running.push(projector);
  await waitUntilReady(projector, '/readyz', 60_000);
  return projector;
}

/** The watermark of the active generation: the sum over partitions of last applied offset + 1. */
async function watermark(): Promise<number> {
  return (await control.pointer())?.applied ?? 0;
}

function waitForWatermark(predicate: (applied: number) => boolean, timeoutMs: number): Promise<number> {
  return pollUntil(watermark, predicate, timeoutMs);
}

beforeAll(async () => {
  await log.ensureTopics(1);
  await Promise.all([control.waitUntilReady(5_000), store.waitUntilReady(5_000)]);
});

afterAll(async () => {
  await Promise.all(running.map((service) => service.stop('SIGKILL')));
  await Promise.all([log.close(), control.close(), store.close()]);
  rmSync(workDir, { recursive: true, force: true });
});

it('resumes from the positions stored with the data after being killed mid-stream, and applies everything', async () => {
  const events = Array.from({ length: 400 }, (_, index) => revoked(index));
  const first = await startProjector();
  for (let batch = 0; batch < 4; batch += 1) await log.append(events.slice(batch * 50, batch * 50 + 50));
  expect(await waitForWatermark((applied) => applied > 0, 30_000)).toBeGreaterThan(0);
  // Killed without a chance to commit: the restart must resume from Redis's own positions.
  await first.stop('SIGKILL');
  const beforeRestart = await watermark();
  for (let batch = 4; batch < 8; batch += 1) await log.append(events.slice(batch * 50, batch * 50 + 50));

  await startProjector();
  // Offsets are dense on a delete-policy topic, so the watermark counts every event exactly once.
  expect(await waitForWatermark((applied) => applied >= events.length, 60_000)).toBe(events.length);
  expect(beforeRestart).toBeLessThan(events.length);
  expect((await control.pointer())?.state).toBe('ready');

  const check = new ProjectionCheck();
  await log.replay(streams, (event, position) => check.apply(event, position));
  const result = await check.compare(store);
  expect(result.differences).toEqual([]);
  expect(result.revocations).toBe(events.length);
});
