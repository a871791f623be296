import { judgeAuditStore, refillTargets } from './audit-store-verdict';

const offsets = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('judgeAuditStore', () => {
  it.each([
    ['nothing known yet, nothing stored', {}, {}, 'intact'],
    ['nothing known yet, something stored', { 'tokens:0': '4' }, {}, 'intact'],
    ['stored as known', { 'tokens:0': '4' }, { 'tokens:0': '4' }, 'intact'],
    ['stored further (another replica wrote)', { 'tokens:0': '9' }, { 'tokens:0': '4' }, 'intact'],
    ['a partition behind', { 'tokens:0': '3', 'tokens:1': '7' }, { 'tokens:0': '4', 'tokens:1': '7' }, 'behind'],
    ['a partition missing', { 'tokens:1': '7' }, { 'tokens:0': '4', 'tokens:1': '7' }, 'behind'],
    ['no positions at all', {}, { 'tokens:0': '4' }, 'gone'],
  ])('given %s, it says %s', (_, stored, expected, outcome) => {
    const verdict = judgeAuditStore(offsets(stored), offsets(expected));
    expect(verdict.kind === 'intact' ? 'intact' : verdict.reason).toBe(outcome);
  });

  it('names the partition that went back', () => {
    const verdict = judgeAuditStore(offsets({ 'tokens:0': '10', 'tokens:1': '2' }), offsets({ 'tokens:1': '3' }));
    expect(verdict).toMatchObject({ kind: 'refill', reason: 'behind', detail: expect.stringContaining('tokens:1') });
  });

  it('compares offsets as numbers, not as text', () => {
    expect(judgeAuditStore(offsets({ 'tokens:0': '10' }), offsets({ 'tokens:0': '9' })).kind).toBe('intact');
    expect(judgeAuditStore(offsets({ 'tokens:0': '9' }), offsets({ 'tokens:0': '10' })).kind).toBe('refill');
  });
});

describe('refillTargets', () => {
  it('aims at what was known stored', () => {
    expect(refillTargets(offsets({ 'tokens:0': '4' }), offsets({ 'tokens:0': '9' }))).toEqual(
      offsets({ 'tokens:0': '4' }),
    );
  });

  it('never past the end of the log', () => {
    expect(refillTargets(offsets({ 'tokens:0': '12' }), offsets({ 'tokens:0': '9' }))).toEqual(
      offsets({ 'tokens:0': '9' }),
    );
  });

  it('leaves out a partition retention has emptied: its events cannot come back', () => {
    expect(refillTargets(offsets({ 'tokens:0': '4', 'tokens:1': '6' }), offsets({ 'tokens:1': '8' }))).toEqual(
      offsets({ 'tokens:1': '6' }),
    );
  });
});
