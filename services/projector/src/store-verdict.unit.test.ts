import type { ProjectionPointer } from '@grantline/lib-projections';
import { caughtUp, highest } from '@grantline/lib-event-log';
import { judgeStore } from './store-verdict';

const pointer = (fields: Partial<ProjectionPointer> = {}): ProjectionPointer => ({
  generation: 'ga',
  state: 'ready',
  applied: 0,
  previous: null,
  building: null,
  since: 0,
  incarnation: null,
  ...fields,
});
const offsets = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('judgeStore', () => {
  it('calls a store without a pointer, or without its positions, lost', () => {
    expect(judgeStore({ mine: 'ga', pointer: null, positions: null, applied: new Map() }).kind).toBe('lost');
    expect(judgeStore({ mine: 'ga', pointer: pointer(), positions: null, applied: new Map() }).kind).toBe('lost');
  });

  it('finds a healthy store that holds at least what was applied', () => {
    const positions = offsets({ 'tokens:0': '10', 'clients:1': '3' });
    expect(judgeStore({ mine: 'ga', pointer: pointer(), positions, applied: offsets({ 'tokens:0': '10' }) })).toEqual({
      kind: 'healthy',
    });
  });

  it('calls a store behind what was applied regressed, naming the partition', () => {
    const verdict = judgeStore({
      mine: 'ga',
      pointer: pointer(),
      positions: offsets({ 'tokens:0': '9' }),
      applied: offsets({ 'tokens:0': '10', 'clients:1': '2' }),
    });
    expect(verdict).toMatchObject({ kind: 'regressed', generation: 'ga', reason: expect.stringContaining('tokens:0') });
    expect(
      judgeStore({ mine: 'ga', pointer: pointer(), positions: offsets({}), applied: offsets({ 'users:2': '0' }) }).kind,
    ).toBe('regressed');
  });

  it('adopts at start a store that holds what the group committed, and one rebuilt beside its generation', () => {
    const positions = offsets({ 'tokens:0': '12' });
    expect(
      judgeStore({ mine: undefined, pointer: pointer(), positions, applied: offsets({ 'tokens:0': '12' }) }),
    ).toEqual({ kind: 'adopt', generation: 'ga', positions });
    // A rebuilt generation lags by what the projector applied since its replay ended: still adopted.
    const rebuilt = pointer({ generation: 'gb', previous: 'ga' });
    expect(judgeStore({ mine: 'ga', pointer: rebuilt, positions, applied: offsets({ 'tokens:0': '20' }) }).kind).toBe(
      'adopt',
    );
  });

  it('treats a generation that appeared without replacing its own as a step back in time', () => {
    const foreign = pointer({ generation: 'gz', previous: 'gy' });
    const positions = offsets({ 'tokens:0': '12' });
    expect(judgeStore({ mine: 'ga', pointer: foreign, positions, applied: offsets({ 'tokens:0': '3' }) }).kind).toBe(
      'regressed',
    );
    expect(
      judgeStore({ mine: undefined, pointer: foreign, positions, applied: offsets({ 'tokens:0': '30' }) }).kind,
    ).toBe('regressed');
  });
});

describe('judgeStore in a redis process no check has found holding the log', () => {
  const positions = offsets({ 'tokens:0': '12', 'users:0': '3' });
  const applied = offsets({ 'tokens:0': '10' });

  it('calls the store regressed when it is short of where the log ended, though it holds what was applied', () => {
    const logEnds = offsets({ 'tokens:0': '13', 'users:0': '3' });
    expect(judgeStore({ mine: 'ga', pointer: pointer(), positions, applied })).toEqual({ kind: 'healthy' });
    expect(judgeStore({ mine: 'ga', pointer: pointer(), positions, applied, logEnds })).toMatchObject({
      kind: 'regressed',
      generation: 'ga',
      reason: expect.stringContaining('tokens:0'),
    });
    const rebuilt = pointer({ generation: 'gb', previous: 'ga' });
    expect(judgeStore({ mine: 'ga', pointer: rebuilt, positions, applied, logEnds }).kind).toBe('regressed');
  });

  it('judges as before a store that holds the log through its end', () => {
    const logEnds = offsets({ 'tokens:0': '12', 'users:0': '3' });
    expect(judgeStore({ mine: 'ga', pointer: pointer(), positions, applied, logEnds })).toEqual({ kind: 'healthy' });
    expect(judgeStore({ mine: undefined, pointer: pointer(), positions, applied, logEnds })).toEqual({
      kind: 'adopt',
      generation: 'ga',
      positions,
    });
  });
});

describe('rebuild targets', () => {
  it('takes the higher offset per partition and is caught up only when every partition reached it', () => {
    const targets = highest(offsets({ 'tokens:0': '5', 'users:1': '2' }), offsets({ 'tokens:0': '7' }));
    expect(targets).toEqual(offsets({ 'tokens:0': '7', 'users:1': '2' }));
    expect(caughtUp(offsets({ 'tokens:0': '7' }), targets)).toBe(false);
    expect(caughtUp(offsets({ 'tokens:0': '7', 'users:1': '2' }), targets)).toBe(true);
    expect(caughtUp(offsets({ 'tokens:0': '10', 'users:1': '9' }), targets)).toBe(true);
  });
});
