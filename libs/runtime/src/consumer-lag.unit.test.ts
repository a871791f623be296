import { lagOf, lagReadiness, type LagSource } from './consumer-lag';

const offsets = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe('consumer lag', () => {
  it.each([
    ['caught up', { 'tokens:0': '9', 'grants:1': '4' }, { 'tokens:0': '9', 'grants:1': '4' }, 0],
    ['behind on one partition', { 'tokens:0': '9', 'grants:1': '4' }, { 'tokens:0': '6', 'grants:1': '4' }, 3],
    ['nothing committed on a partition counts all of it', { 'tokens:0': '9' }, {}, 10],
    ['a commit past the last offset read never counts back', { 'tokens:0': '9' }, { 'tokens:0': '12' }, 0],
    ['an empty log', {}, {}, 0],
  ])('%s', (_name, last, committed, lag) => {
    expect(lagOf(offsets(last), offsets(committed))).toBe(lag);
  });

  const source = (last: Record<string, string>, committed: Record<string, string>): LagSource => ({
    lastOffsets: async () => offsets(last),
    committedOffsets: async () => offsets(committed),
  });

  it('is ready up to the threshold and unready past it', async () => {
    const options = { groupId: 'g', streams: ['tokens'] as const, maxLag: 5 };
    await expect(lagReadiness(source({ 'tokens:0': '9' }, { 'tokens:0': '4' }), options)()).resolves.toBe(true);
    await expect(lagReadiness(source({ 'tokens:0': '9' }, { 'tokens:0': '3' }), options)()).resolves.toBe(false);
  });

  it('is unready when the offsets cannot be read', async () => {
    const failing: LagSource = {
      lastOffsets: () => Promise.reject(new Error('broker down')),
      committedOffsets: async () => new Map(),
    };
    await expect(lagReadiness(failing, { groupId: 'g', streams: ['tokens'], maxLag: 5 })()).resolves.toBe(false);
  });
});
