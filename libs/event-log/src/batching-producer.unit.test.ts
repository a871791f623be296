import { BatchingQueue } from './batching-producer';

/** A queue whose first send waits until `release()`; every batch sent is recorded. */
function firstBatchHeld() {
  const batches: number[][] = [];
  let releaseFirst: () => void = () => undefined;
  const queue = new BatchingQueue<number>(async (items) => {
    batches.push(items);
    if (batches.length === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
  });
  return { queue, batches, release: () => releaseFirst() };
}

describe('BatchingQueue', () => {
  it('sends items queued while a batch is in flight together in the next batch', async () => {
    const { queue, batches, release } = firstBatchHeld();
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

  it('never sends items withdrawn while they waited behind a batch in flight', async () => {
    const { queue, batches, release } = firstBatchHeld();
    const first = queue.enqueue([1]);
    const withdrawn = new AbortController();
    const late = queue.enqueue([2, 3], withdrawn.signal);
    const kept = queue.enqueue([4]);
    withdrawn.abort(new Error('caller gave up'));
    await expect(late).rejects.toThrow('caller gave up');
    release();
    await Promise.all([first, kept]);
    expect(batches).toEqual([[1], [4]]);
  });

  it('still sends items whose withdrawal came after they were handed to a send', async () => {
    const batches: number[][] = [];
    let release: () => void = () => undefined;
    const queue = new BatchingQueue<number>(async (items) => {
      batches.push(items);
      await new Promise<void>((resolve) => (release = resolve));
    });
    const withdrawn = new AbortController();
    const sent = queue.enqueue([1], withdrawn.signal);
    withdrawn.abort(new Error('too late'));
    release();
    await expect(sent).resolves.toBeUndefined();
    expect(batches).toEqual([[1]]);
  });
});
