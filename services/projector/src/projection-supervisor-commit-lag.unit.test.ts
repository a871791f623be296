import { revokedAt } from '@grantline/lib-testing';
import type { MemoryProjectionControl } from './testing/memory-projection-control';
import { givenSupervisor, runningOverReadyStore, settled } from './testing/supervisor-harness';

// A Redis server process that no check has found holding the log (a restart from a snapshot, a
// failover, a projector starting over a restored store) may miss what was applied, or written
// through by a service, after the projector's last commit. It is recorded for readers only once
// it holds the log as it ended when the check began (docs/decisions/0018).

const REVOKED = revokedAt('tokens:0', 5);

/**
 * Every change the supervisor makes after this, at which readers of the process the store runs in
 * now would serve, or find that process recorded as checked, while the revocation is missing.
 */
function watchForLostRevocation(store: MemoryProjectionControl): string[] {
  const unsafe: string[] = [];
  store.watch(() => {
    const recorded = store.pointerNow?.incarnation === store.incarnationNow;
    if ((store.servingNow || recorded) && !store.revokedNow(REVOKED)) unsafe.push(store.calls.at(-1) ?? '');
  });
  return unsafe;
}

describe('given a projector that applied a revocation, written through too, and was killed before committing it', () => {
  /** Then Redis comes back from a snapshot taken before the revocation; a new projector is about to start. */
  async function restoredForANewProjector() {
    const first = await runningOverReadyStore(4);
    const { store } = first;
    const snapshot = store.snapshot();
    first.log.endsAt('tokens:0', 5);
    store.writeThrough(REVOKED);
    await first.log.deliver('tokens:0', [5]);
    expect(store.revokedNow(REVOKED)).toBe(true);
    expect(first.log.commits).toEqual([]);
    const unsafe = watchForLostRevocation(store);
    store.restore(snapshot);
    const second = givenSupervisor({ over: store, committed: { 'tokens:0': '4' }, ends: { 'tokens:0': '5' } });
    return { store, snapshot, unsafe, second };
  }

  it('when the new projector starts, then readers never find the process checked without the revocation', async () => {
    const { store, unsafe, second } = await restoredForANewProjector();

    await second.supervisor.start();

    expect(second.supervisor.rebuilding).toBe(true);
    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'rebuilding', incarnation: 'run0' });
    expect(second.log.nextRead('tokens:0')).toBe('5');
    await second.log.readToEnd();
    expect(store.servingNow).toBe(true);
    expect(store.revokedNow(REVOKED)).toBe(true);
    expect(unsafe).toEqual([]);
    expect(second.rebuilds.map(({ reason }) => reason)).toEqual(['regressed']);
  });

  it('when Redis restarts from the snapshot again during the replay, then that process too is recorded only after a check', async () => {
    const { store, snapshot, unsafe, second } = await restoredForANewProjector();
    await second.supervisor.start();

    store.restore(snapshot);
    await second.log.readToEnd();
    expect(store.pointerNow).toMatchObject({ state: 'ready', incarnation: 'run1' });
    expect(store.servingNow).toBe(false);
    store.reconnect();
    await settled();

    expect(store.pointerNow).toMatchObject({ state: 'ready', incarnation: 'run2' });
    expect(store.revokedNow(REVOKED)).toBe(true);
    expect(unsafe).toEqual([]);
  });
});

describe('given a running projector that has not yet read a revocation a service wrote through', () => {
  it('when Redis comes back from a snapshot taken before the revocation, then the process is recorded only once the event is applied', async () => {
    const { store, log } = await runningOverReadyStore(4);
    const snapshot = store.snapshot();
    log.endsAt('tokens:0', 5);
    store.writeThrough(REVOKED);
    const unsafe = watchForLostRevocation(store);
    store.restore(snapshot);

    store.reconnect();
    await settled();
    expect(store.servingNow).toBe(false);
    await log.readToEnd();

    expect(store.servingNow).toBe(true);
    expect(store.revokedNow(REVOKED)).toBe(true);
    expect(unsafe).toEqual([]);
  });
});

describe('given a projector killed before its last commit over a Redis that kept running', () => {
  it('when a new projector starts, then the store it finds checked in that process stays open', async () => {
    const first = await runningOverReadyStore(5);
    await first.log.deliver('tokens:0', [5]);
    const { store } = first;
    const closed: string[] = [];
    store.watch(() => void (store.servingNow || closed.push(store.calls.at(-1) ?? '')));
    const callsBefore = store.calls.length;

    const second = givenSupervisor({ over: store, committed: { 'tokens:0': '4' }, ends: { 'tokens:0': '5' } });
    await second.supervisor.start();

    expect(store.calls.slice(callsBefore)).not.toContainEqual(expect.stringMatching(/^(setState|validated|begin)/));
    expect(second.log.nextRead('tokens:0')).toBe('6');
    expect(store.servingNow).toBe(true);
    expect(closed).toEqual([]);
  });
});

/**
 * A supervisor about to start over a store that holds `tokens:0` through offset 5 and came back
 * in a new Redis process while no projector ran; the log's partition ends at `logEnd`.
 */
function startingOverARestartedStore(logEnd: number) {
  return givenSupervisor({
    committed: { 'tokens:0': '4' },
    ends: { 'tokens:0': String(logEnd) },
    store: (store) => {
      store.seed('g0', { 'tokens:0': '5' });
      store.restore(store.snapshot());
    },
  });
}

describe('given a Redis restarted while no projector ran, holding the whole log', () => {
  it('when a projector starts, then it records the new process at once without closing the store', async () => {
    const { supervisor, store } = startingOverARestartedStore(5);

    await supervisor.start();

    expect(store.calls).not.toContainEqual(expect.stringMatching(/^(setState|begin)/));
    expect(store.calls).toContain('validated g0 run1');
    expect(store.servingNow).toBe(true);
  });
});

describe('given a Redis restarted while no projector ran, on a quiet log whose last records were dead-lettered', () => {
  it('when a projector starts, then it reads through them and records the new process', async () => {
    const { supervisor, store, log } = startingOverARestartedStore(7);
    await supervisor.start();
    expect(store.servingNow).toBe(false);

    await log.deliver('tokens:0', [], 7);

    expect(supervisor.rebuilding).toBe(false);
    expect(store.pointerNow).toMatchObject({ state: 'ready', incarnation: 'run1' });
    expect(store.positionsOf('g0')).toEqual({ 'tokens:0': '5' });
  });
});
