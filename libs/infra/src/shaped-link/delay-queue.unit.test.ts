import { delayQueue, type Clock } from './delay-queue';

/** A clock the test moves by hand; timers fire in due order, then creation order. */
function manualClock() {
  let now = 1_000;
  const timers: { due: number; callback: () => void; cancelled: boolean }[] = [];
  const clock: Clock = {
    now: () => now,
    setTimeout: (callback, ms) => {
      const timer = { due: now + ms, callback, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const next = timers.filter((timer) => !timer.cancelled && timer.due <= until).sort((a, b) => a.due - b.due)[0];
      if (next === undefined) break;
      timers.splice(timers.indexOf(next), 1);
      now = next.due;
      next.callback();
    }
    now = until;
  };
  return { clock, advance };
}

const chunk = (text: string) => Buffer.from(text);

describe('delay queue', () => {
  it('passes chunks straight on when there is no delay and nothing is held', () => {
    const { clock } = manualClock();
    const released: string[] = [];
    const queue = delayQueue((c) => released.push(c.toString()), clock);
    queue.push(chunk('a'), 0);
    expect(released).toEqual(['a']);
    expect(queue.pending).toBe(0);
  });

  it('holds each chunk for its delay', () => {
    const { clock, advance } = manualClock();
    const released: string[] = [];
    const queue = delayQueue((c) => released.push(c.toString()), clock);
    queue.push(chunk('a'), 200);
    advance(199);
    expect(released).toEqual([]);
    advance(1);
    expect(released).toEqual(['a']);
  });

  it('never lets a later chunk with a shorter delay overtake an earlier one', () => {
    const { clock, advance } = manualClock();
    const released: { text: string; at: number }[] = [];
    const queue = delayQueue((c) => released.push({ text: c.toString(), at: clock.now() }), clock);
    queue.push(chunk('a'), 300);
    advance(10);
    queue.push(chunk('b'), 50);
    queue.push(chunk('c'), 0);
    advance(1_000);
    expect(released).toEqual([
      { text: 'a', at: 1_300 },
      { text: 'b', at: 1_300 },
      { text: 'c', at: 1_300 },
    ]);
  });

  it('drops what it holds when discarded', () => {
    const { clock, advance } = manualClock();
    const released: string[] = [];
    const queue = delayQueue((c) => released.push(c.toString()), clock);
    queue.push(chunk('a'), 100);
    queue.discard();
    advance(1_000);
    expect(released).toEqual([]);
    expect(queue.pending).toBe(0);
  });
});
