import { devicePollToleranceMs, SLOW_DOWN_STEP_SECONDS } from './guard-port';
import { MemoryGuardStore } from './memory-guard-store';

const START_MS = 1_000_000;
const EXPIRES_AT = START_MS / 1000 + 600;

describe('MemoryGuardStore.recordDevicePoll', () => {
  let nowMs: number;
  let guards: MemoryGuardStore;
  const at = (secondsAfterStart: number) => {
    nowMs = START_MS + secondsAfterStart * 1000;
  };
  const pollAt = async (secondsAfterStart: number, deviceId = 'device-1', interval = 5, expiresAt = EXPIRES_AT) => {
    at(secondsAfterStart);
    return guards.recordDevicePoll(deviceId, interval, expiresAt);
  };

  beforeEach(() => {
    nowMs = START_MS;
    guards = new MemoryGuardStore({ nowSeconds: () => Math.floor(nowMs / 1000) }, () => nowMs);
  });

  it('steps by 5 seconds, as RFC 8628 §3.5 asks', () => {
    expect(SLOW_DOWN_STEP_SECONDS).toBe(5);
  });

  it('lets the first poll come at once, with the interval it was given', async () => {
    expect(await pollAt(0)).toEqual({ tooSoon: false, intervalSeconds: 5 });
  });

  it('takes the first poll whenever it comes', async () => {
    expect(await pollAt(599, 'device-late', 7)).toEqual({ tooSoon: false, intervalSeconds: 7 });
  });

  it.each([
    ['clearly early, at half the interval', 2.5, { tooSoon: true, intervalSeconds: 10 }],
    ['early by more than the tolerance', 4, { tooSoon: true, intervalSeconds: 10 }],
    ['just past the tolerance', 4.499, { tooSoon: true, intervalSeconds: 10 }],
    [
      'early by exactly the tolerance (the previous poll was timed late in its request)',
      4.5,
      { tooSoon: false, intervalSeconds: 5 },
    ],
    ['early within the tolerance', 4.8, { tooSoon: false, intervalSeconds: 5 }],
    ['a millisecond early (timer jitter)', 4.999, { tooSoon: false, intervalSeconds: 5 }],
    ['exactly on time', 5, { tooSoon: false, intervalSeconds: 5 }],
    ['late', 30, { tooSoon: false, intervalSeconds: 5 }],
  ])(
    'given a 5 s interval, when the second poll comes %s, then it is judged so',
    async (_name, secondPollAt, expected) => {
      await pollAt(0);
      expect(await pollAt(secondPollAt)).toEqual(expected);
    },
  );

  it('given a device polling every interval exactly, with its polls timed a little late or early, then it is never slowed down', async () => {
    // A client on a fixed timer, whose polls the server times after differing work in each request.
    const lateness = [0.3, 0, 0.45, 0.01, 0.2, 0, 0.499, 0];
    const answers = [];
    for (const [index, late] of lateness.entries()) answers.push(await pollAt(index * 5 + late));
    expect(answers.filter((poll) => poll.tooSoon)).toEqual([]);
  });

  it.each([
    [1, 100],
    [2, 200],
    [5, 500],
    [10, 500],
    [60, 500],
  ])('given an advertised %i s interval, then the tolerance is %i ms (a tenth, at most 500 ms)', (interval, ms) => {
    expect(devicePollToleranceMs(interval)).toBe(ms);
  });

  it('given a 1 s interval, then a poll 0.9 s after the previous one is on time and one 0.899 s after is not', async () => {
    await pollAt(0, 'device-fast', 1);
    expect(await pollAt(0.9, 'device-fast', 1)).toEqual({ tooSoon: false, intervalSeconds: 1 });
    expect(await pollAt(1.799, 'device-fast', 1)).toEqual({ tooSoon: true, intervalSeconds: 6 });
  });

  it('given a slowed-down device, then its tolerance stays that of the advertised interval', async () => {
    await pollAt(0, 'device-fast', 1);
    await pollAt(0.5, 'device-fast', 1);
    // 6 s now in force; the tolerance is still 100 ms, not a tenth of 6 s.
    expect(await pollAt(6.3, 'device-fast', 1)).toEqual({ tooSoon: true, intervalSeconds: 11 });
    expect(await pollAt(17.25, 'device-fast', 1)).toEqual({ tooSoon: false, intervalSeconds: 11 });
  });

  it('grows the interval by 5 s per early poll, times each from the previous one, and never shrinks it', async () => {
    const polls: Array<[number, boolean, number]> = [
      [0, false, 5],
      [1, true, 10],
      [2, true, 15],
      [17, false, 15],
      [31, true, 20],
      [50, true, 25],
      [75, false, 25],
      [100, false, 25],
    ];
    const seen: Array<[number, boolean, number]> = [];
    for (const [second] of polls) {
      const poll = await pollAt(second);
      seen.push([second, poll.tooSoon, poll.intervalSeconds]);
    }
    expect(seen).toEqual(polls);
  });

  it('keeps the grown interval even when a later poll names the original one', async () => {
    await pollAt(0, 'device-1', 5);
    await pollAt(1, 'device-1', 5);
    expect(await pollAt(11, 'device-1', 5)).toEqual({ tooSoon: false, intervalSeconds: 10 });
    expect(await pollAt(20, 'device-1', 5)).toEqual({ tooSoon: true, intervalSeconds: 15 });
  });

  it('times every device on its own', async () => {
    await pollAt(0, 'device-1');
    await pollAt(1, 'device-1');
    expect(await pollAt(1, 'device-2')).toEqual({ tooSoon: false, intervalSeconds: 5 });
    expect(await pollAt(2, 'device-2')).toEqual({ tooSoon: true, intervalSeconds: 10 });
    expect(await pollAt(11, 'device-1')).toEqual({ tooSoon: false, intervalSeconds: 10 });
  });

  it('forgets a device once its code has expired', async () => {
    const expiresAt = START_MS / 1000 + 20;
    await pollAt(0, 'device-1', 5, expiresAt);
    await pollAt(1, 'device-1', 5, expiresAt);
    at(10);
    expect(await guards.recordDevicePoll('device-1', 5, expiresAt)).toEqual({ tooSoon: true, intervalSeconds: 15 });
    at(20);
    expect(await guards.recordDevicePoll('device-1', 5, expiresAt + 600)).toEqual({
      tooSoon: false,
      intervalSeconds: 5,
    });
  });

  it('answers exactly one of many simultaneous polls as on time', async () => {
    await pollAt(0);
    at(100);
    const polls = await Promise.all(
      Array.from({ length: 10 }, () => guards.recordDevicePoll('device-1', 5, EXPIRES_AT)),
    );
    expect(polls.filter((poll) => !poll.tooSoon)).toHaveLength(1);
    expect(Math.max(...polls.map((poll) => poll.intervalSeconds))).toBe(5 + 9 * 5);
  });

  it('keeps its own poll state apart from claims and rate limits', async () => {
    await pollAt(0);
    expect(await guards.claimOnce('device-1', EXPIRES_AT)).toBe(true);
    expect(await guards.consumeRateLimit('device-1', 1, 60)).toBe(true);
    await guards.releaseClaim('device-1');
    expect(await pollAt(1)).toEqual({ tooSoon: true, intervalSeconds: 10 });
  });
});
