import { runningOverReadyStore, settled, type Harness } from './testing/supervisor-harness';

// The supervisor while running: a store that lost everything, one that went back in time, one
// rebuilt beside it; each noticed, closed to readers, replayed and reopened (docs/decisions/0018).

describe('given a healthy store', () => {
  it('when the checks run, then nothing changes but the commits', async () => {
    const { supervisor, store, log, checkOnce } = await runningOverReadyStore();

    await checkOnce();
    await checkOnce();

    expect(supervisor.rebuilding).toBe(false);
    expect(store.calls).not.toContainEqual(expect.stringMatching(/^(begin|setState)/));
    expect(log.seeks).toBe(0);
    expect(log.commits).toEqual([{ 'tokens:0': '4' }, { 'tokens:0': '4' }]);
  });
});

describe('given a store that was flushed', () => {
  it('when the next check runs, then a new generation is begun, rebuilding, and read from the start of the log', async () => {
    const { supervisor, store, log, checkOnce, messages } = await runningOverReadyStore();
    store.flushAll();
    expect(supervisor.rebuilding).toBe(false);

    await checkOnce();

    expect(supervisor.rebuilding).toBe(true);
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'rebuilding' });
    expect(log.seeks).toBe(1);
    expect(log.nextRead('tokens:0')).toBeUndefined();
    expect(messages()).toContain('projection lost: rebuilding it from the start of the log');
  });

  it('when the log has been read again to where it ended, then the new generation is open', async () => {
    const { supervisor, store, log, clock, checkOnce, rebuilds } = await runningOverReadyStore();
    store.flushAll();
    await checkOnce();

    await log.deliver('tokens:0', [0, 1, 2]);
    expect(store.pointerNow?.state).toBe('rebuilding');
    await clock.advance(200);
    await log.deliver('tokens:0', [3, 4]);

    expect(supervisor.rebuilding).toBe(false);
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'ready' });
    expect(store.positionsOf('g1')).toEqual({ 'tokens:0': '4' });
    expect(rebuilds).toEqual([{ reason: 'lost', seconds: 0.2 }]);
  });

  it('when an apply finds its generation gone, then the rebuild begins at once and the failed events are replayed', async () => {
    const { supervisor, store, log } = await runningOverReadyStore();
    store.flushAll();
    log.endsAt('tokens:0', 5);

    await log.deliver('tokens:0', [5]);

    expect(supervisor.rebuilding).toBe(true);
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'rebuilding' });
    expect(store.positionsOf('g1')).toEqual({});
    await log.readToEnd();
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'ready' });
    expect(store.positionsOf('g1')).toEqual({ 'tokens:0': '5' });
  });
});

describe('given a store that went back in time (restored from an older snapshot)', () => {
  async function restoredBehind(): Promise<Harness> {
    const harness = await runningOverReadyStore();
    const { store, log } = harness;
    const before = store.snapshot();
    log.endsAt('tokens:0', 7);
    await log.deliver('tokens:0', [5, 6, 7]);
    store.restore(before);
    return harness;
  }

  it('when the next check runs, then the generation is marked rebuilding and replayed from its own positions', async () => {
    const { supervisor, store, log, checkOnce, messages } = await restoredBehind();

    await checkOnce();

    expect(supervisor.rebuilding).toBe(true);
    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'rebuilding' });
    expect(log.nextRead('tokens:0')).toBe('5');
    expect(messages()).toContain('projection behind the log: replaying');
    expect(store.calls).not.toContainEqual(expect.stringMatching(/^begin/));
  });

  it('when the connection to the store is made again, then it is checked at once, before any interval passes', async () => {
    const { supervisor, store } = await restoredBehind();

    store.reconnect();
    await settled();

    expect(supervisor.rebuilding).toBe(true);
    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'rebuilding' });
  });

  it('when the lost events are replayed, then the store is open again', async () => {
    const { store, log, checkOnce, rebuilds } = await restoredBehind();
    await checkOnce();

    await log.readToEnd();

    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'ready' });
    expect(store.positionsOf('g0')).toEqual({ 'tokens:0': '7' });
    expect(rebuilds.map(({ reason }) => reason)).toEqual(['regressed']);
  });
});

describe('given a rebuild whose partition ends in records that went to the dead-letter topic', () => {
  it('when the partition was read through them, then it counts as reached, though no position names them', async () => {
    const { store, log, checkOnce } = await runningOverReadyStore();
    log.endsAt('tokens:0', 6);
    store.flushAll();
    await checkOnce();

    // Offsets 5 and 6 were not events: the batch holds 0..4 and was read through 6.
    await log.deliver('tokens:0', [0, 1, 2, 3, 4], 6);

    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'ready' });
    expect(store.positionsOf('g1')).toEqual({ 'tokens:0': '4' });
  });
});

describe('given an operator rebuilt the projection beside the active generation', () => {
  it('when the next check runs, then it continues in the rebuilt generation from its positions and deletes the old one', async () => {
    const { supervisor, store, log, checkOnce, messages } = await runningOverReadyStore();
    log.endsAt('tokens:0', 5);
    await log.deliver('tokens:0', [5]);
    // Built from the log while offset 5 was being applied to g0: one event behind.
    const rebuilt = store.rebuildBeside({ 'tokens:0': '4' });

    await checkOnce();
    await settled();

    expect(supervisor.rebuilding).toBe(false);
    expect(log.nextRead('tokens:0')).toBe('5');
    expect(store.calls).toContain('drop g0');
    expect(store.positionsOf('g0')).toBeNull();
    expect(messages()).toContain('projection switched to a rebuilt generation');
    await log.readToEnd();
    expect(store.positionsOf(rebuilt)).toEqual({ 'tokens:0': '5' });
    expect(store.pointerNow).toMatchObject({ generation: rebuilt, state: 'ready' });
  });
});
