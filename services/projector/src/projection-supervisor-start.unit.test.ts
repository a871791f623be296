import { givenSupervisor, settled } from './testing/supervisor-harness';

// The supervisor at start: where it resumes reading, and what it makes of the store it finds.

describe('given a ready projection whose positions are ahead of what the group committed', () => {
  const given = () =>
    givenSupervisor({
      // Killed before its last commit: the group says 30, the store holds up to 41.
      committed: { 'tokens:0': '30' },
      ends: { 'tokens:0': '45', 'clients:0': '7' },
      store: (store) => store.seed('g0', { 'tokens:0': '41', 'clients:0': '7' }),
    });

  it('when it starts, then it resumes each partition after the position stored with the data', async () => {
    const { supervisor, store, log } = given();

    await supervisor.start();

    expect(log.nextRead('tokens:0')).toBe('42');
    expect(log.nextRead('clients:0')).toBe('8');
    expect(log.nextRead('users:0')).toBeUndefined();
    expect(supervisor.rebuilding).toBe(false);
    expect(store.calls).not.toContainEqual(expect.stringMatching(/^(begin|setState|drop)/));
  });

  it('when the rest of the log arrives, then it is applied into that generation and committed at the next check', async () => {
    const { supervisor, store, log, checkOnce } = given();
    await supervisor.start();

    await log.deliver('tokens:0', [42, 43, 44, 45]);
    await checkOnce();

    expect(store.positionsOf('g0')).toEqual({ 'tokens:0': '45', 'clients:0': '7' });
    expect(log.commits).toEqual([{ 'tokens:0': '45' }]);
    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'ready' });
  });
});

describe('given a projection a previous projector left rebuilding', () => {
  const given = () =>
    givenSupervisor({
      ends: { 'tokens:0': '15' },
      store: (store) => store.seed('g0', { 'tokens:0': '10' }, 'rebuilding'),
    });

  it('when it starts, then it goes on with the rebuild from the stored positions, keeping the store closed', async () => {
    const { supervisor, store, log } = given();

    await supervisor.start();

    expect(supervisor.rebuilding).toBe(true);
    expect(log.nextRead('tokens:0')).toBe('11');
    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'rebuilding' });
  });

  it('when it has read to where the log ended, then it reopens the store and says how long the rebuild took', async () => {
    const { supervisor, store, log, clock, messages, rebuilds } = given();
    await supervisor.start();
    await clock.advance(1_500);

    await log.deliver('tokens:0', [11, 12, 13, 14]);
    expect(store.pointerNow?.state).toBe('rebuilding');
    await log.deliver('tokens:0', [15]);

    expect(supervisor.rebuilding).toBe(false);
    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'ready' });
    expect(rebuilds).toEqual([{ reason: 'resumed', seconds: 1.5 }]);
    expect(messages()).toContain('projection rebuilt and open again');
  });
});

describe('given an empty store', () => {
  it('when it starts, then it builds a new generation from the start of the log and opens it once every partition is read', async () => {
    const { supervisor, store, log, messages, rebuilds } = givenSupervisor({
      ends: { 'tokens:0': '2', 'users:0': '0' },
    });

    await supervisor.start();
    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'rebuilding' });
    expect(log.nextRead('tokens:0')).toBeUndefined();
    await log.deliver('tokens:0', [0, 1, 2]);
    expect(store.pointerNow?.state).toBe('rebuilding');
    await log.deliver('users:0', [0]);

    expect(store.pointerNow).toMatchObject({ generation: 'g1', state: 'ready' });
    expect(store.positionsOf('g1')).toEqual({ 'tokens:0': '2', 'users:0': '0' });
    expect(rebuilds.map(({ reason }) => reason)).toEqual(['lost']);
    expect(messages()).toContain('projection lost: rebuilding it from the start of the log');
  });
});

describe('given a store behind what the group committed (restored while the projector was down)', () => {
  it('when it starts, then it marks the store rebuilding and replays from the store’s own positions', async () => {
    const { supervisor, store, log, rebuilds } = givenSupervisor({
      committed: { 'tokens:0': '9' },
      ends: { 'tokens:0': '9' },
      store: (store) => store.seed('g0', { 'tokens:0': '5' }),
    });

    await supervisor.start();
    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'rebuilding' });
    expect(log.nextRead('tokens:0')).toBe('6');
    await log.deliver('tokens:0', [6, 7, 8, 9]);

    expect(store.pointerNow).toMatchObject({ generation: 'g0', state: 'ready' });
    expect(rebuilds.map(({ reason }) => reason)).toEqual(['regressed']);
  });
});

describe('given a running supervisor', () => {
  it('when it closes, then the checks stop and how far it got is committed', async () => {
    const { supervisor, log, clock } = givenSupervisor({
      ends: { 'tokens:0': '3' },
      store: (store) => store.seed('g0', { 'tokens:0': '1' }),
    });
    await supervisor.start();
    await log.deliver('tokens:0', [2, 3]);

    await supervisor.close();
    await settled();

    expect(clock.periodicCalls).toBe(0);
    expect(log.commits).toEqual([{ 'tokens:0': '3' }]);
    expect(log.closed).toBe(true);
  });
});
