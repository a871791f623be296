/** What {@link ReplaceableProducer} needs of a Kafka producer. */
export interface ConnectableProducer {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * The log's one producer, connected on first use and replaced by a new one after a send fails.
 * An idempotent producer keeps a producer id and sequence numbers per partition; when a broker
 * restarts without them (a kill), it refuses every later send of that producer with a protocol
 * error that no retry clears. A new producer gets a new id. Replacing after any failure costs one
 * connect, and loses nothing: a failed send's callers have been told nothing was recorded.
 */
export class ReplaceableProducer<P extends ConnectableProducer> {
  private current: Promise<P> | undefined;

  constructor(private readonly create: () => P) {}

  /** The producer in use, connecting a new one when there is none. */
  get(): Promise<P> {
    this.current ??= this.connectNew();
    return this.current;
  }

  /** Runs a send on the producer in use; when it fails, that producer is dropped and disconnected. */
  async send<T>(action: (producer: P) => Promise<T>): Promise<T> {
    const used = this.get();
    const producer = await used;
    try {
      return await action(producer);
    } catch (error) {
      if (this.current === used) {
        this.current = undefined;
        void producer.disconnect().catch(() => undefined);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    const closing = this.current;
    this.current = undefined;
    const producer = await closing?.catch(() => undefined);
    await producer?.disconnect();
  }

  private async connectNew(): Promise<P> {
    const producer = this.create();
    try {
      await producer.connect();
      return producer;
    } catch (error) {
      this.current = undefined;
      throw error;
    }
  }
}
