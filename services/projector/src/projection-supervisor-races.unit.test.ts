import { runningOverReadyStore, settled, type Harness } from './testing/supervisor-harness';

// Steps of the supervisor set against each other: checks and applies run one at a time, an event
// fetched before a seek is never applied after it, and a reconnect in a rebuild neither restarts
// nor ends it early (docs/decisions/0018).

/** A supervisor rebuilding a flushed store, `tokens:0` read again through offset 1 of 5. */
async function rebuildingHalfway(): Promise<Harness> {
  const harness = await runningOverReadyStore(5);
  harness.store.flushAll();
  await harness.checkOnce();
  await harness.log.deliver('tokens:0', [0, 1]);
  return harness;
}

describe('given an apply in flight', () => {
  it('when the periodic check falls due, then it waits for the apply to end before reading the store', async () => {
    const { supervisor, store, log, checkOnce } = await runningOverReadyStore(5);
    const apply = store.held.hold('applyTo');
    const delivering = log.deliver('tokens:0', [5]);
    await apply.reached;

    const checking = checkOnce();
    await settled();
    const duringApply = store.calls.slice(store.calls.indexOf('applyTo g0 tokens:0@5'));
    apply.release();
    await Promise.all([delivering, checking]);

    expect(duringApply).toEqual(['applyTo g0 tokens:0@5']);
    expect(store.calls.slice(store.calls.indexOf('applyTo g0 tokens:0@5'))).toEqual([
      'applyTo g0 tokens:0@5',
      'incarnation',
      'pointer',
      'positions g0',
    ]);
    // Judged after the apply, the store holds what was applied: healthy, not regressed.
    expect(supervisor.rebuilding).toBe(false);
    expect(log.commits).toEqual([{ 'tokens:0': '5' }]);
  });
});

describe('given a check that found the store lost and is moving to a new generation', () => {
  it('when a batch fetched before its seek is handed over, then it is dropped, never applied into the new generation', async () => {
    const { store, log, checkOnce } = await runningOverReadyStore(5);
    store.flushAll();
    const seek = log.held.hold('seek');
    const checking = checkOnce();
    await seek.reached;

    const stale = log.deliver('tokens:0', [5]);
    seek.release();
    await Promise.all([checking, stale]);

    expect(store.calls).not.toContainEqual(expect.stringMatching(/^applyTo g1/));
    expect(store.positionsOf('g1')).toEqual({});
    expect(log.nextRead('tokens:0')).toBeUndefined();
    await log.readToEnd();
    expect(store.positionsOf('g1')).toEqual({ 'tokens:0': '5' });
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'ready' });
  });
});

describe('given a rebuild under way', () => {
  it('when the connection to the store is made again, then the rebuild goes on where it was and the store stays closed', async () => {
    const { supervisor, store, log } = await rebuildingHalfway();
    const seeksBefore = log.seeks;
    const callsBefore = store.calls.length;

    store.reconnect();
    await settled();

    expect(store.calls.slice(callsBefore)).toEqual(['incarnation', 'pointer', 'positions g1']);
    expect(log.seeks).toBe(seeksBefore);
    expect(supervisor.rebuilding).toBe(true);
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'rebuilding' });
    await log.readToEnd();
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'ready' });
  });

  it('when the store comes back without part of the rebuild, then it replays from what the store kept', async () => {
    const { supervisor, store, log, rebuilds } = await rebuildingHalfway();
    const kept = store.snapshot();
    await log.deliver('tokens:0', [2, 3]);
    store.restore(kept);

    store.reconnect();
    await settled();

    expect(supervisor.rebuilding).toBe(true);
    expect(log.nextRead('tokens:0')).toBe('2');
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'rebuilding' });
    await log.readToEnd();
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'ready' });
    expect(store.positionsOf('g1')).toEqual({ 'tokens:0': '5' });
    expect(rebuilds.map(({ reason }) => reason)).toEqual(['regressed']);
  });
});
