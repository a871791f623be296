import type { Answer } from './answers';
import { figuresOf, invariantsHold, recoverySeconds, type LogFacts, type ScenarioWindow } from './oracles';

const T0 = 1_000_000;
const window: ScenarioWindow = { start: T0, healAt: T0 + 5_000, end: T0 + 12_000 };
const noFacts: LogFacts = { issued: new Map(), revoked: new Map(), events: [], audit: new Map() };

function answer(kind: Answer['kind'], at: number, ok = true, extra: Partial<Answer> = {}): Answer {
  return { kind, start: T0 + at, end: T0 + at + 5, status: ok ? 200 : 503, ok, ...extra };
}

/** One answer of every kind at `at` ms, all healthy unless `failing` names a kind. */
function everyKind(at: number, failing?: Answer['kind']): Answer[] {
  return (['issue', 'introspect', 'revoke', 'refresh', 'device-poll'] as const).map((kind) =>
    answer(kind, at, kind !== failing),
  );
}

describe('recoverySeconds', () => {
  it('is the first whole second after the heal in which every kind succeeded', () => {
    const answers = [...everyKind(5_100, 'issue'), ...everyKind(6_100, 'refresh'), ...everyKind(7_900)];
    expect(recoverySeconds(answers, window)).toBe(2);
  });

  it('is 0 when the first second after the heal is already clean', () => {
    expect(recoverySeconds([...everyKind(1_000, 'issue'), ...everyKind(5_000)], window)).toBe(0);
  });

  it('needs every kind: a second without a device poll is not clean', () => {
    const answers = everyKind(5_500).filter((one) => one.kind !== 'device-poll');
    expect(recoverySeconds(answers, window)).toBeUndefined();
  });

  it('is undefined when no second is clean before the window ends', () => {
    expect(recoverySeconds([...everyKind(5_500, 'revoke'), ...everyKind(12_500)], window)).toBeUndefined();
  });
});

describe('figuresOf', () => {
  it('counts tokens handed out whose issuance is not on the log, and those on it twice', () => {
    const answers = [
      answer('issue', 100, true, { jti: 'a' }),
      answer('refresh', 200, true, { jti: 'b' }),
      answer('issue', 300, true, { jti: 'c' }),
      answer('issue', 400, false, { jti: undefined }),
    ];
    const facts = {
      ...noFacts,
      issued: new Map([
        ['a', 1],
        ['c', 2],
      ]),
    };
    expect(figuresOf(answers, window, facts)).toMatchObject({ requests: 4, withoutEvent: 1, twice: 1, failed: 1 });
  });

  it('counts an introspection answered active after its revocation was answered 200', () => {
    const answers = [
      answer('introspect', 100, false, { jti: 'a', revokedBefore: true, active: true }),
      answer('introspect', 200, true, { jti: 'a', revokedBefore: true, active: false }),
      answer('introspect', 300, true, { jti: 'b', revokedBefore: false, active: true }),
    ];
    expect(figuresOf(answers, window, noFacts).revokedActive).toBe(1);
  });

  it('counts a refresh refused as invalid_grant right after a 503 for the same token', () => {
    const answers = [
      answer('refresh', 100, false, { refusedBefore: true, error: 'invalid_grant', status: 400 }),
      answer('refresh', 200, false, { refusedBefore: false, error: 'invalid_grant', status: 400 }),
      answer('refresh', 300, true, { refusedBefore: true, jti: 'r' }),
    ];
    expect(figuresOf(answers, window, noFacts).refusedYetRecorded).toBe(1);
  });

  it('counts acknowledged revocations missing from the log and events the audit store lacks or holds twice', () => {
    const answers = [answer('revoke', 100, true, { jti: 'a' }), answer('revoke', 200, true, { jti: 'b' })];
    const facts: LogFacts = {
      issued: new Map(),
      revoked: new Map([['a', 1]]),
      events: [
        { eventId: 'e1', occurredAt: T0 + 50 },
        { eventId: 'e2', occurredAt: T0 + 60 },
        { eventId: 'e3', occurredAt: T0 + 70 },
        // Outside the window: another scenario's.
        { eventId: 'e4', occurredAt: T0 - 10 },
      ],
      audit: new Map([
        ['e1', 1],
        ['e2', 2],
      ]),
    };
    expect(figuresOf(answers, window, facts)).toMatchObject({ lost: 2, twice: 1 });
  });

  it('keeps the invariants for a clean run and breaks them for a run that never recovers', () => {
    const clean = figuresOf(everyKind(5_200), window, noFacts);
    expect(invariantsHold(clean)).toBe(true);
    expect(invariantsHold({ ...clean, recoverySeconds: undefined })).toBe(false);
    expect(invariantsHold({ ...clean, revokedActive: 1 })).toBe(false);
    expect(invariantsHold({ ...clean, refusedYetRecorded: 1 })).toBe(false);
  });

  it('counts answers by status, 0 for no answer', () => {
    const answers = [answer('issue', 1), answer('issue', 2, false), { ...answer('issue', 3, false), status: 0 }];
    expect([...figuresOf(answers, window, noFacts).byStatus.entries()].sort()).toEqual([
      [0, 1],
      [200, 1],
      [503, 1],
    ]);
  });
});
