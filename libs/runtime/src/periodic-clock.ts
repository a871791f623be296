/** Time for a consumer that checks its store now and then: what time it is, and a periodic call. */
export interface PeriodicClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `tick` every `intervalMs` until the returned function is called. */
  every(intervalMs: number, tick: () => Promise<void>): () => void;
}

export const systemPeriodicClock: PeriodicClock = {
  now: () => Date.now(),
  every(intervalMs, tick) {
    const timer = setInterval(() => void tick(), intervalMs);
    return () => clearInterval(timer);
  },
};
