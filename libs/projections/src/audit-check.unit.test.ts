import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { FIXTURE_TIME } from '@grantline/lib-testing';
import { AuditCheck } from './audit-check';
import { MemoryAuditStore } from './memory-audit-store';
import { checksumOfIds } from './projection-checksum';

function signIn(eventId: string): GrantlineEvent {
  return stampEvent(
    {
      type: 'SignInFailed',
      aggregate: { type: 'user', id: 'u1' },
      data: { clientId: 'a', remoteAddress: '192.0.2.1', userId: 'u1', reason: 'wrong_password' },
    },
    { now: () => FIXTURE_TIME, newEventId: () => eventId },
  );
}

const position = (offset: number) => ({ stream: 'users', partition: 0, offset: String(offset) });
/** The log still holds e2..e6; e0 and e1 are past its retention. */
const log = ['e2', 'e3', 'e4', 'e5', 'e6'].map(signIn);

async function auditOf(eventIds: readonly string[]): Promise<MemoryAuditStore> {
  const audit = new MemoryAuditStore();
  await audit.recordAll(eventIds.map((eventId, offset) => ({ event: signIn(eventId), position: position(offset) })));
  return audit;
}

function checkOf(events: readonly GrantlineEvent[]): AuditCheck {
  const check = new AuditCheck();
  for (const event of events) check.apply(event);
  return check;
}

describe('AuditCheck', () => {
  it('matches an audit that holds the whole log, and counts older entries as beyond retention', async () => {
    const audit = await auditOf(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(await checkOf(log).compare(audit)).toEqual({
      events: 5,
      audited: 5,
      missing: 0,
      beyondRetention: 2,
      expected: checksumOfIds(['e2', 'e3', 'e4', 'e5', 'e6']),
      actual: checksumOfIds(['e2', 'e3', 'e4', 'e5', 'e6']),
      matches: true,
    });
  });

  it('does not depend on the order of the log or of the audit', async () => {
    const audit = {
      eventIds: () =>
        (async function* () {
          yield* ['e6', 'e2', 'e5', 'e3', 'e4'];
        })(),
    };
    const result = await checkOf([...log].reverse()).compare(audit);
    expect(result).toMatchObject({ audited: 5, missing: 0, beyondRetention: 0, matches: true });
    expect(result.expected).toBe((await checkOf(log).compare(audit)).expected);
  });

  it('counts the entries the audit lacks, and its checksum then differs', async () => {
    const result = await checkOf(log).compare(await auditOf(['e1', 'e2', 'e4', 'e6']));
    expect(result).toMatchObject({ events: 5, audited: 3, missing: 2, beyondRetention: 1, matches: false });
    expect(result.actual).toBe(checksumOfIds(['e2', 'e4', 'e6']));
    expect(result.actual).not.toBe(result.expected);
  });

  it('counts a replayed event once', async () => {
    const result = await checkOf([...log, ...log]).compare(await auditOf([]));
    expect(result).toMatchObject({ events: 5, audited: 0, missing: 5, beyondRetention: 0, matches: false });
  });
});
