import type { Subscription } from '@grantline/lib-event-log';
import { createLogger } from '@grantline/lib-http';
import { keepSubscribing } from './backchannel-logouts';

const logger = createLogger('test', 'silent');
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the back-channel logout consumer joining its group', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('tries again after each pause while the log refuses, instead of ending the service', async () => {
    const closed = jest.fn(async () => undefined);
    const subscribe = jest
      .fn<Promise<Subscription>, [(error: unknown) => void]>()
      .mockRejectedValueOnce(new Error('This server does not host this topic-partition'))
      .mockRejectedValueOnce(new Error('broker down'))
      .mockResolvedValue({ close: closed });
    const stop = keepSubscribing(subscribe, logger, [100, 1_000]);
    await settle();
    expect(subscribe).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(99);
    await settle();
    expect(subscribe).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(1);
    await settle();
    expect(subscribe).toHaveBeenCalledTimes(2);
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(subscribe).toHaveBeenCalledTimes(3);
    stop();
    expect(closed).toHaveBeenCalledTimes(1);
  });

  it('stops trying once stopped, and closes a subscription that arrives after the stop', async () => {
    let resolve: (subscription: Subscription) => void = () => undefined;
    const closed = jest.fn(async () => undefined);
    const subscribe = jest
      .fn<Promise<Subscription>, [(error: unknown) => void]>()
      .mockRejectedValueOnce(new Error('broker down'))
      .mockImplementationOnce(() => new Promise((done) => (resolve = done)));
    const stop = keepSubscribing(subscribe, logger, [100]);
    await settle();
    jest.advanceTimersByTime(100);
    await settle();
    stop();
    resolve({ close: closed });
    await settle();
    expect(closed).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(10_000);
    await settle();
    expect(subscribe).toHaveBeenCalledTimes(2);
  });

  it('joins again after a pause when a joined consumer stops for good', async () => {
    const hooks: ((error: unknown) => void)[] = [];
    const closed = jest.fn(async () => undefined);
    const subscribe = jest.fn(async (onFatal: (error: unknown) => void): Promise<Subscription> => {
      hooks.push(onFatal);
      return { close: closed };
    });
    const stop = keepSubscribing(subscribe, logger, [100]);
    await settle();
    hooks[0]?.(new Error('coordinator gone'));
    expect(closed).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(100);
    await settle();
    expect(subscribe).toHaveBeenCalledTimes(2);
    // A second report from the consumer already replaced changes nothing.
    hooks[0]?.(new Error('again'));
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(subscribe).toHaveBeenCalledTimes(2);
    stop();
    expect(closed).toHaveBeenCalledTimes(2);
  });
});
