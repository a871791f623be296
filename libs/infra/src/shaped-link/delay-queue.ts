/**
 * Holds chunks of one direction of a stream until each is due, and releases them in the order
 * they came: a chunk never overtakes an earlier one, as on a real link without reordering.
 */
export interface DelayQueue {
  push(chunk: Buffer, delayMs: number): void;
  /** Chunks accepted but not yet released. */
  readonly pending: number;
  /** Drops what is held (the stream is gone). */
  discard(): void;
}

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

export function delayQueue(release: (chunk: Buffer) => void, clock: Clock = systemClock): DelayQueue {
  const held: { chunk: Buffer; due: number }[] = [];
  let lastDue = 0;
  let timer: { cancel(): void } | undefined;

  const drain = () => {
    timer = undefined;
    const now = clock.now();
    while (held.length > 0 && held[0]!.due <= now) release(held.shift()!.chunk);
    schedule();
  };
  const schedule = () => {
    const head = held[0];
    if (head === undefined || timer !== undefined) return;
    timer = clock.setTimeout(drain, Math.max(0, head.due - clock.now()));
  };

  return {
    push(chunk, delayMs) {
      const due = Math.max(lastDue, clock.now() + delayMs);
      lastDue = due;
      if (held.length === 0 && delayMs <= 0 && due <= clock.now()) {
        release(chunk);
        return;
      }
      held.push({ chunk, due });
      schedule();
    },
    get pending() {
      return held.length;
    },
    discard() {
      timer?.cancel();
      timer = undefined;
      held.length = 0;
    },
  };
}
