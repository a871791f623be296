/** What a shaped link does to the traffic of its shaped ports. */
export interface LinkShape {
  /** Added to each direction, so a request and its answer gain twice this. */
  delayMs: number;
  /** Each chunk's delay is drawn uniformly from `delayMs ± jitterMs` (never below zero). */
  jitterMs: number;
  /** Share of packets dropped in each direction, 0 to 100. */
  lossPercent: number;
}

export type LinkShapeInput = Pick<LinkShape, 'delayMs'> & Partial<LinkShape>;

export const UNSHAPED: LinkShape = Object.freeze({ delayMs: 0, jitterMs: 0, lossPercent: 0 });

/** Fills defaults and refuses values the link cannot apply, before anything changes. */
export function linkShapeOf(input: LinkShapeInput): LinkShape {
  const shape: LinkShape = { jitterMs: 0, lossPercent: 0, ...input };
  const check = (name: keyof LinkShape, max: number) => {
    const value = shape[name];
    if (!Number.isFinite(value) || value < 0 || value > max) {
      throw new RangeError(`${name} must be a number from 0 to ${max}, not ${String(value)}`);
    }
  };
  check('delayMs', 60_000);
  check('jitterMs', 60_000);
  check('lossPercent', 100);
  return shape;
}

/** One chunk's delay under `shape`; `random` returns a number in [0, 1). */
export function sampleDelayMs(shape: LinkShape, random: () => number): number {
  if (shape.jitterMs === 0) return shape.delayMs;
  return Math.max(0, shape.delayMs + (random() * 2 - 1) * shape.jitterMs);
}

/** The nft threshold for `lossPercent`: a packet is dropped when a draw modulo 10,000 is below it. */
export function lossThreshold(lossPercent: number): number {
  return Math.round(lossPercent * 100);
}
