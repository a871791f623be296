/**
 * Coalesces concurrent work into one send: items enqueued while a send is in flight go
 * together in the next. Idempotent producers allow only one request in flight, so without
 * batching every issuance would wait for the previous ack; consumers use it to store the
 * batches of several partitions with one call.
 */
export class BatchingQueue<T> {
  private pending: Array<Entry<T>> = [];
  private flushing = false;

  constructor(private readonly sendBatch: (items: T[]) => Promise<void>) {}

  /**
   * Queues items for the next send. Aborting `signal` withdraws them, rejecting with its reason,
   * as long as they still wait for a send; once handed to `sendBatch` they go out whatever happens.
   */
  enqueue(items: readonly T[], signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const entries = items.map((item) => {
      const entry = { item } as Entry<T>;
      entry.done = new Promise<void>((resolve, reject) => Object.assign(entry, { resolve, reject }));
      return entry;
    });
    this.pending.push(...entries);
    signal?.addEventListener('abort', () => this.withdraw(entries, signal.reason), { once: true });
    void this.flush();
    return Promise.all(entries.map((entry) => entry.done)).then(() => undefined);
  }

  /** Takes entries out of the next send if they are still waiting for it. */
  private withdraw(entries: ReadonlyArray<Entry<T>>, reason: unknown): void {
    const waiting = new Set(entries.filter((entry) => this.pending.includes(entry)));
    if (waiting.size === 0) return;
    this.pending = this.pending.filter((entry) => !waiting.has(entry));
    waiting.forEach((entry) => entry.reject(reason));
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await this.sendBatch(batch.map((entry) => entry.item));
          batch.forEach((entry) => entry.resolve());
        } catch (error) {
          batch.forEach((entry) => entry.reject(error));
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}

interface Entry<T> {
  item: T;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}
