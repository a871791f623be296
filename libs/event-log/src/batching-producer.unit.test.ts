import { BatchingQueue } from './batching-producer';

describe('BatchingQueue', () => {
  it('sends items queued while a batch is in flight together in the next batch', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const queue = new BatchingQueue<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = queue.enqueue([1]);
    const rest = [queue.enqueue([2]), queue.enqueue([3, 4])];
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every caller of a failed batch, and recovers for the next', async () => {
    let fail = true;
    const queue = new BatchingQueue<number>(async () => {
      if (fail) throw new Error('broker down');
    });
    await expect(queue.enqueue([1])).rejects.toThrow('broker down');
    fail = false;
    await expect(queue.enqueue([2])).resolves.toBeUndefined();
  });
});
