import { createLogger } from '@grantline/lib-http';
import { MemoryAuditStore } from '@grantline/lib-projections';
import { noMetrics, propagationOnly } from '@grantline/lib-telemetry';
import { ManualClock, MemoryPositionedLog, type Offsets } from '@grantline/lib-testing';
import { AuditConsumer } from './audit-consumer';

// The audit consumer keeps its positions with the audit data, resumes from them, and refills a
// store restored from an older backup or emptied, without a restart (docs/decisions/0023).

const CHECK_INTERVAL_MS = 500;

function givenConsumer(given: { committed?: Offsets; ends?: Offsets; audit?: MemoryAuditStore } = {}) {
  const clock = new ManualClock();
  const audit = given.audit ?? new MemoryAuditStore();
  const log = new MemoryPositionedLog(given.committed, given.ends);
  const lines: Array<Record<string, unknown>> = [];
  const refills: Array<{ reason: string; seconds: number }> = [];
  /** The store's calls that change it, in order: `recordAll`, and `prepare` (which an emptied database needs). */
  const calls: string[] = [];
  const consumer = new AuditConsumer({
    log,
    audit: {
      recordAll: (records, known) => {
        calls.push('recordAll');
        return audit.recordAll(records, known);
      },
      positions: () => audit.positions(),
      prepare: async () => void calls.push('prepare'),
    },
    groupId: 'grantline.audit',
    checkIntervalMs: CHECK_INTERVAL_MS,
    telemetry: {
      metrics: { ...noMetrics, auditRefilled: (reason, seconds) => void refills.push({ reason, seconds }) },
      tracing: propagationOnly,
    },
    logger: createLogger('audit', 'info', {
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    }),
    clock,
  });
  const storedIds = async () => new Set(await collect(audit.eventIds()));
  return {
    consumer,
    audit,
    log,
    clock,
    lines,
    refills,
    calls,
    storedIds,
    messages: () => lines.map((line) => String(line.msg)),
    checkOnce: () => clock.advance(CHECK_INTERVAL_MS),
  };
}

async function collect(ids: AsyncIterable<string>): Promise<string[]> {
  const found: string[] = [];
  for await (const id of ids) found.push(id);
  return found;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);
const idsOf = (offsets: readonly number[]) => offsets.map((offset) => `event-tokens:0-${offset}`);

/** A running consumer that stored `tokens:0` 0–9, with a backup taken after 0–4. */
async function runningWithBackup() {
  const harness = givenConsumer({ ends: { 'tokens:0': '9' } });
  await harness.consumer.start();
  await harness.log.deliver('tokens:0', range(0, 4));
  const backup = harness.audit.backup();
  await harness.log.deliver('tokens:0', range(5, 9));
  await harness.checkOnce();
  return { ...harness, backup };
}

describe('given a store that holds positions', () => {
  it('when the consumer starts, then it reads on from the stored positions, not the group’s commits', async () => {
    const audit = new MemoryAuditStore();
    const seeded = givenConsumer({ committed: { 'tokens:0': '2' }, ends: { 'tokens:0': '7' }, audit });
    await seeded.consumer.start();
    await seeded.log.deliver('tokens:0', range(0, 5));
    await seeded.consumer.close();

    const { consumer, log } = givenConsumer({ committed: { 'tokens:0': '2' }, ends: { 'tokens:0': '7' }, audit });
    await consumer.start();

    expect(log.nextRead('tokens:0')).toBe('6');
    expect(consumer.refilling).toBe(false);
  });

  it('when a batch is stored, then its partition’s position is raised after it, and committed at the next check', async () => {
    const { consumer, audit, log, checkOnce } = givenConsumer({ ends: { 'tokens:0': '3' } });
    await consumer.start();
    expect(log.nextRead('tokens:0')).toBeUndefined();

    await log.deliver('tokens:0', range(0, 3));
    await checkOnce();

    expect(await audit.positions()).toEqual(new Map([['tokens:0', '3']]));
    expect(log.commits.at(-1)).toEqual({ 'tokens:0': '3' });
  });
});

describe('given a running consumer whose store is restored from an older backup', () => {
  it('when the next check runs, then it reads again from the restored positions and says why', async () => {
    const { consumer, audit, log, backup, checkOnce, lines } = await runningWithBackup();
    audit.restore(backup);

    await checkOnce();

    expect(consumer.refilling).toBe(true);
    expect(log.seeks).toBe(1);
    expect(log.nextRead('tokens:0')).toBe('5');
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'audit store behind the log: refilling', reason: 'behind' }),
    );
  });

  it('when the log has been read again, then every event is back, the refill is logged once and measured', async () => {
    const { consumer, audit, log, backup, clock, checkOnce, lines, refills, storedIds } = await runningWithBackup();
    audit.restore(backup);
    await checkOnce();
    expect(await storedIds()).toEqual(new Set(idsOf(range(0, 4))));

    await clock.advance(100);
    await log.readToEnd();
    await checkOnce();
    await checkOnce();

    expect(await storedIds()).toEqual(new Set(idsOf(range(0, 9))));
    expect(consumer.refilling).toBe(false);
    expect(refills).toEqual([{ reason: 'behind', seconds: 0.1 }]);
    expect(lines.filter((line) => line.msg === 'audit store refilled')).toEqual([
      expect.objectContaining({ reason: 'behind', events: 5, seconds: 0.1 }),
    ]);
  });

  it('when events are stored before the check runs, then they do not cover the gap', async () => {
    const { consumer, audit, log, backup, storedIds } = await runningWithBackup();
    audit.restore(backup);
    log.endsAt('tokens:0', 11);

    await log.deliver('tokens:0', [10, 11]);

    expect((await audit.positions()).get('tokens:0')).toBe('4');
    expect(consumer.refilling).toBe(true);
    expect(log.nextRead('tokens:0')).toBe('5');
    await log.readToEnd();
    expect(await storedIds()).toEqual(new Set(idsOf(range(0, 11))));
    expect(consumer.refilling).toBe(false);
  });
});

describe('given a running consumer whose database is emptied', () => {
  it('when the next check runs, then the store is prepared again (its unique index) before anything is replayed', async () => {
    const { audit, log, checkOnce, calls } = await runningWithBackup();
    audit.restore(new MemoryAuditStore());
    calls.length = 0;

    await checkOnce();
    await log.readToEnd();

    expect(calls[0]).toBe('prepare');
    expect(calls.filter((call) => call === 'prepare')).toHaveLength(1);
  });

  it('when the next check runs, then it refills from the start of the log', async () => {
    const { consumer, audit, log, checkOnce, refills, storedIds } = await runningWithBackup();
    audit.restore(new MemoryAuditStore());

    await checkOnce();
    expect(consumer.refilling).toBe(true);
    expect(log.nextRead('tokens:0')).toBeUndefined();
    await log.readToEnd();

    expect(await storedIds()).toEqual(new Set(idsOf(range(0, 9))));
    expect(consumer.refilling).toBe(false);
    expect(refills.map(({ reason }) => reason)).toEqual(['gone']);
  });
});

describe('given a store restored while no consumer ran', () => {
  it('when the consumer starts, then it refills from the store’s positions, behind what the group committed', async () => {
    const { consumer, log, lines } = givenConsumer({ committed: { 'tokens:0': '9' }, ends: { 'tokens:0': '9' } });

    await consumer.start();

    expect(consumer.refilling).toBe(true);
    expect(log.nextRead('tokens:0')).toBeUndefined();
    expect(lines).toContainEqual(expect.objectContaining({ reason: 'gone' }));
    await log.readToEnd();
    expect(consumer.refilling).toBe(false);
  });
});

describe('given a batch fetched before a refill’s seek', () => {
  it('when it is handed over after the seek, then it is dropped: its position would cover the gap', async () => {
    const { consumer, audit, log, backup, checkOnce } = await runningWithBackup();
    log.endsAt('tokens:0', 12);
    const seek = log.held.hold('seek');
    audit.restore(backup);
    const check = checkOnce();
    await seek.reached;
    const early = log.deliver('tokens:0', [10, 11, 12]);
    seek.release();
    await check;
    await early;

    expect((await audit.positions()).get('tokens:0')).toBe('4');
    expect(consumer.refilling).toBe(true);
  });
});
