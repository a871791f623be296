import { linkShapeOf, lossThreshold, sampleDelayMs } from './link-shape';

describe('link shapes', () => {
  it('fills jitter and loss with zero', () => {
    expect(linkShapeOf({ delayMs: 200 })).toEqual({ delayMs: 200, jitterMs: 0, lossPercent: 0 });
  });

  it.each([
    ['a negative delay', { delayMs: -1 }],
    ['a delay that is not a number', { delayMs: Number.NaN }],
    ['loss above 100 %', { delayMs: 0, lossPercent: 101 }],
    ['a negative jitter', { delayMs: 10, jitterMs: -5 }],
  ])('refuses %s', (_name, input) => {
    expect(() => linkShapeOf(input)).toThrow(RangeError);
  });

  it('draws delays within delay ± jitter, never below zero', () => {
    const shape = linkShapeOf({ delayMs: 200, jitterMs: 20 });
    expect(sampleDelayMs(shape, () => 0)).toBe(180);
    expect(sampleDelayMs(shape, () => 0.5)).toBe(200);
    expect(sampleDelayMs(shape, () => 0.999_999)).toBeCloseTo(220, 3);
    expect(sampleDelayMs(linkShapeOf({ delayMs: 5, jitterMs: 20 }), () => 0)).toBe(0);
    expect(sampleDelayMs(linkShapeOf({ delayMs: 50 }), () => 0.9)).toBe(50);
  });

  it('turns a percentage into a threshold out of 10,000', () => {
    expect(lossThreshold(0)).toBe(0);
    expect(lossThreshold(5)).toBe(500);
    expect(lossThreshold(0.25)).toBe(25);
    expect(lossThreshold(100)).toBe(10_000);
  });
});
