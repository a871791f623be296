import type { PeriodicClock } from '@grantline/lib-runtime';

interface PeriodicCall {
  intervalMs: number;
  tick: () => Promise<void>;
  due: number;
}

/** A clock that stands still until a test moves it; periodic calls run only then, and are awaited. */
export class ManualClock implements PeriodicClock {
  private readonly calls = new Set<PeriodicCall>();

  constructor(private ms = Date.parse('2026-12-01T09:00:00.000Z')) {}

  now(): number {
    return this.ms;
  }

  every(intervalMs: number, tick: () => Promise<void>): () => void {
    const call = { intervalMs, tick, due: this.ms + intervalMs };
    this.calls.add(call);
    return () => this.calls.delete(call);
  }

  /** How many periodic calls are registered (none once the supervisor has closed). */
  get periodicCalls(): number {
    return this.calls.size;
  }

  /** Moves time on by `ms`, running every periodic call that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const until = this.ms + ms;
    for (;;) {
      const next = [...this.calls].filter((call) => call.due <= until).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.ms = next.due;
      next.due += next.intervalMs;
      await next.tick();
    }
    this.ms = until;
  }
}
