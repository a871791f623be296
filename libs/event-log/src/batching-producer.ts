/**
 * Coalesces concurrent work into one send: items enqueued while a send is in flight go
 * together in the next. Idempotent producers allow only one request in flight, so without
 * batching every issuance would wait for the previous ack; consumers use it to store the
 * batches of several partitions with one call.
 */
export class BatchingQueue<T> {
  private pending: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  private flushing = false;

  constructor(private readonly sendBatch: (items: T[]) => Promise<void>) {}

  enqueue(items: readonly T[]): Promise<void> {
    const done = Promise.all(
      items.map((item) => new Promise<void>((resolve, reject) => this.pending.push({ item, resolve, reject }))),
    ).then(() => undefined);
    void this.flush();
    return done;
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
