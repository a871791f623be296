import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import { MemoryProjectionStore } from './memory-projection-store';
import { ProjectionCheck } from './projection-check';
import { ProjectionOps } from './projection-ops';
import { projectEvent, writeMarksThrough } from './projectors';
import { MAX_SESSION_SECONDS } from './session-projection';

const NOW = 1_800_000_000;
const at = () => new Date(NOW * 1000);
const SID = 'c2Vzc2lvbi10ZXN0LTAwMDE';

function started(sessionId = SID, userId = 'user-1', expiresAt = NOW + 3600): GrantlineEvent {
  return stampEvent(
    {
      type: 'SessionStarted',
      aggregate: { type: 'session', id: sessionId },
      data: { sessionId, userId, authTime: NOW, amr: ['pwd'], clientId: 'spa', remoteAddress: '127.0.0.1', expiresAt },
    },
    { now: at },
  );
}

function codeIssued(grantId: string, scope: string, sessionId: string | null = SID): GrantlineEvent {
  return stampEvent(
    {
      type: 'AuthorizationCodeIssued',
      aggregate: { type: 'grant', id: grantId },
      data: {
        grantId,
        codeId: `code-${grantId}`,
        clientId: 'spa',
        userId: 'user-1',
        scope,
        redirectUri: 'https://app.test/cb',
        expiresAt: NOW + 60,
        ...(sessionId === null ? {} : { sessionId }),
      },
    },
    { now: at },
  );
}

function ended(sessionId = SID): GrantlineEvent {
  return stampEvent(
    {
      type: 'SessionEnded',
      aggregate: { type: 'session', id: sessionId },
      data: { sessionId, userId: 'user-1', reason: 'logout', endedBy: 'spa', expiresAt: NOW + 3600 },
    },
    { now: at },
  );
}

async function applied(store: MemoryProjectionStore, events: GrantlineEvent[]): Promise<void> {
  let offset = 0;
  for (const event of events) await store.apply(event, { partition: 0, offset: String(offset++) });
}

describe('session projection', () => {
  let now = NOW;
  const clock = { nowSeconds: () => now };
  beforeEach(() => (now = NOW));

  it('keeps a started session, lists it under its user, and links the grants its codes started', async () => {
    const store = new MemoryProjectionStore(clock);
    await applied(store, [started(), codeIssued('g1', 'openid'), codeIssued('g2', 'openid offline_access')]);
    expect(await store.getOnce('session', SID)).toEqual({
      sessionId: SID,
      userId: 'user-1',
      authTime: NOW,
      amr: ['pwd'],
      clientId: 'spa',
      startedAt: NOW,
      expiresAt: NOW + 3600,
    });
    expect([...(await store.getMembers('user-sessions', 'user-1')).keys()]).toEqual([SID]);
    expect(Object.fromEntries(await store.getMembers('session-grants', SID))).toEqual({
      g1: { clientId: 'spa', offline: false },
      g2: { clientId: 'spa', offline: true },
    });
    expect(await store.getOnce('session-ended', SID)).toBeNull();
  });

  it('links nothing for a code issued outside a session', async () => {
    const store = new MemoryProjectionStore(clock);
    await applied(store, [codeIssued('g1', 'openid', null)]);
    expect((await store.getMembers('session-grants', SID)).size).toBe(0);
  });

  it('marks an ended session, written through by the ender and again by the projector without change', async () => {
    const store = new MemoryProjectionStore(clock);
    const end = ended();
    await writeMarksThrough(store, [end as never]);
    expect(await store.getOnce('session-ended', SID)).toEqual({ reason: 'logout', endedAt: NOW });
    await applied(store, [end]);
    expect(await store.getOnce('session-ended', SID)).toEqual({ reason: 'logout', endedAt: NOW });
  });

  it('forgets everything once the session could no longer hold', async () => {
    const store = new MemoryProjectionStore(clock);
    await applied(store, [started(), codeIssued('g1', 'openid'), ended()]);
    now = NOW + 3601;
    expect(await store.getOnce('session', SID)).toBeNull();
    expect(await store.getOnce('session-ended', SID)).toBeNull();
    expect((await store.getMembers('user-sessions', 'user-1')).size).toBe(0);
    // The code event does not carry the session's end; its link lasts at most the longest session.
    now = NOW + 60 + MAX_SESSION_SECONDS;
    expect((await store.getMembers('session-grants', SID)).size).toBe(0);
  });

  it('keeps the first value of a member and the latest expiry of a set', async () => {
    const store = new MemoryProjectionStore(clock);
    await store.addMember('user-sessions', 'user-1', 'a', 1, NOW + 10);
    await store.addMember('user-sessions', 'user-1', 'a', 2, NOW + 100);
    now = NOW + 50;
    expect(Object.fromEntries(await store.getMembers('user-sessions', 'user-1'))).toEqual({ a: 1 });
  });

  it('gives the Redis store one member op per link, expiring with the set', async () => {
    const ops = new ProjectionOps(() => NOW);
    await projectEvent(ops, codeIssued('g1', 'openid'), { partition: 0, offset: '0' });
    expect(ops.ops).toEqual([
      {
        o: 'member',
        key: `session-grants:${SID}`,
        field: 'g1',
        value: JSON.stringify({ clientId: 'spa', offline: false }),
        exat: String(NOW + 60 + MAX_SESSION_SECONDS),
      },
    ]);
  });

  it('is compared by projections verify like the other write-once records', async () => {
    const events = [started(), codeIssued('g1', 'openid'), ended()];
    const check = new ProjectionCheck(() => NOW);
    for (const [offset, event] of events.entries()) await check.apply(event, { partition: 0, offset: String(offset) });
    const same = new MemoryProjectionStore(clock);
    await applied(same, events);
    expect((await check.compare(same)).differences).toEqual([]);
    const missing = new MemoryProjectionStore(clock);
    await applied(missing, events.slice(0, 2));
    expect((await check.compare(missing)).differences).toEqual([
      { kind: 'record-missing', collection: 'session-ended', id: SID },
    ]);
  });
});
