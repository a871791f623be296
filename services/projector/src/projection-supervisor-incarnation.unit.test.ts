import { runningOverReadyStore, settled } from './testing/supervisor-harness';

// Readers serve only from the Redis server process the projector last checked the store in
// (its run_id, recorded in the pointer); a restart or failover brings another process, which the
// projector checks against the log before recording it (docs/decisions/0018).

describe('given a healthy store checked in the server process it runs in', () => {
  it('when the checks run, then nothing is recorded again', async () => {
    const { store, checkOnce } = await runningOverReadyStore();

    await checkOnce();

    expect(store.calls).not.toContainEqual(expect.stringMatching(/^validated/));
    expect(store.pointerNow?.incarnation).toBe('run0');
  });
});

describe('given a store restarted from a snapshot taken after everything was applied', () => {
  it('when the connection is made again, then the new process is checked and then recorded, and the store stays open', async () => {
    const { supervisor, store } = await runningOverReadyStore();
    store.restore(store.snapshot());
    expect(store.pointerNow?.incarnation).toBe('run0');

    store.reconnect();
    await settled();

    expect(supervisor.rebuilding).toBe(false);
    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'ready', incarnation: 'run1' });
    const calls = store.calls.slice(store.calls.lastIndexOf('incarnation'));
    expect(calls).toEqual(['incarnation', 'pointer', 'positions g0', 'validated g0 run1']);
  });
});

describe('given a store restarted from a snapshot older than what was applied', () => {
  it('when the connection is made again, then it is closed for a replay, and the new process recorded once it is over', async () => {
    const { supervisor, store, log } = await runningOverReadyStore(5);
    const before = store.snapshot();
    await log.deliver('tokens:0', [5]);
    store.restore(before);

    store.reconnect();
    await settled();

    expect(supervisor.rebuilding).toBe(true);
    expect(store.pointerNow).toMatchObject({ state: 'rebuilding', incarnation: 'run0' });
    expect(store.calls).toContain('setState g0 rebuilding');
    expect(store.calls).not.toContain('validated g0 run1');
    await log.readToEnd();
    expect(store.pointerNow).toMatchObject({ state: 'ready', incarnation: 'run1' });
    expect(store.calls.indexOf('validated g0 run1')).toBeGreaterThan(store.calls.indexOf('setState g0 ready'));
  });
});

describe('given a check under way', () => {
  it('when the store restarts again before the check ends, then the process it began in is recorded, never the new one unchecked', async () => {
    const { store, checkOnce } = await runningOverReadyStore();
    store.restore(store.snapshot());
    const reading = store.held.hold('positions');
    const checking = checkOnce();
    await reading.reached;

    store.restore(store.snapshot());
    reading.release();
    await checking;

    expect(store.incarnationNow).toBe('run2');
    expect(store.pointerNow?.incarnation).toBe('run1');
    store.reconnect();
    await settled();
    expect(store.pointerNow?.incarnation).toBe('run2');
  });
});
