import { generateSigningJwk, keyRingFromJwks, type KeyRing } from '@grantline/lib-tokens';
import { DpopNonces } from './dpop-nonce';

/** RFC 9449 §8 server nonces: an HMAC of the time step, the same on every replica, no state. */
const PERIOD = 300;
/** The start of a step, so that `STEP_START + PERIOD - 1` is still in it. */
const STEP_START = 1_767_225_600;

describe('DPoP server nonces', () => {
  let ring: KeyRing;
  let nextRing: KeyRing;
  let nonces: DpopNonces;

  beforeAll(async () => {
    ring = await keyRingFromJwks([await generateSigningJwk('key-1')]);
    nextRing = await keyRingFromJwks([await generateSigningJwk('key-2'), await generateSigningJwk('key-1b')]);
  });

  beforeEach(() => {
    nonces = new DpopNonces(ring, PERIOD);
  });

  it('hands out one nonce per period, a base64url HMAC-SHA-256', () => {
    const nonce = nonces.current(STEP_START);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(nonces.current(STEP_START + PERIOD - 1)).toBe(nonce);
    expect(nonces.current(STEP_START + PERIOD)).not.toBe(nonce);
    expect(nonces.current(STEP_START - 1)).not.toBe(nonce);
  });

  it('accepts the nonce of the current and of the previous period', () => {
    const nonce = nonces.current(STEP_START);
    expect(nonces.accepts(nonce, STEP_START)).toBe(true);
    expect(nonces.accepts(nonce, STEP_START + PERIOD - 1)).toBe(true);
    expect(nonces.accepts(nonce, STEP_START + PERIOD)).toBe(true);
    expect(nonces.accepts(nonce, STEP_START + 2 * PERIOD - 1)).toBe(true);
  });

  it.each<[string, (current: string) => unknown, number]>([
    ['two periods old', (current) => current, STEP_START + 2 * PERIOD],
    ['an hour old', (current) => current, STEP_START + 3600],
    ['absent', () => undefined, STEP_START],
    ['null', () => null, STEP_START],
    ['a number', () => 42, STEP_START],
    ['an object', (current) => ({ nonce: current }), STEP_START],
    ['an array', (current) => [current], STEP_START],
    ['empty', () => '', STEP_START],
    ['garbage of the right length', () => 'x'.repeat(43), STEP_START],
    ['one character longer', (current) => `${current}A`, STEP_START],
    ['one character shorter', (current) => current.slice(0, -1), STEP_START],
    ['in other case', (current) => current.toUpperCase(), STEP_START],
  ])('refuses a nonce that is %s', (_name, nonce, at) => {
    const current = nonces.current(STEP_START);
    expect(nonces.accepts(current, STEP_START)).toBe(true);
    expect(nonces.accepts(nonce(current), at)).toBe(false);
  });

  it('agrees across replicas built from the same signing key', () => {
    const other = new DpopNonces(ring, PERIOD);
    expect(other.current(STEP_START)).toBe(nonces.current(STEP_START));
    expect(other.accepts(nonces.current(STEP_START), STEP_START + PERIOD)).toBe(true);
  });

  it('refuses a nonce made under another signing key', () => {
    const foreign = new DpopNonces(nextRing, PERIOD);
    expect(foreign.current(STEP_START)).not.toBe(nonces.current(STEP_START));
    expect(nonces.accepts(foreign.current(STEP_START), STEP_START)).toBe(false);
  });

  it('follows a rotation of the active signing key: nonces of the old key are no longer accepted', () => {
    const rotating: KeyRing = { ...ring };
    const replica = new DpopNonces(rotating, PERIOD);
    const before = replica.current(STEP_START);
    Object.assign(rotating, { active: nextRing.active });
    const after = replica.current(STEP_START);
    expect(after).not.toBe(before);
    expect(after).toBe(new DpopNonces(nextRing, PERIOD).current(STEP_START));
    expect(replica.accepts(before, STEP_START)).toBe(false);
    expect(replica.accepts(after, STEP_START)).toBe(true);
  });

  it('uses the configured period', () => {
    const short = new DpopNonces(ring, 10);
    const nonce = short.current(STEP_START);
    expect(short.current(STEP_START + 9)).toBe(nonce);
    expect(short.current(STEP_START + 10)).not.toBe(nonce);
    expect(short.accepts(nonce, STEP_START + 19)).toBe(true);
    expect(short.accepts(nonce, STEP_START + 20)).toBe(false);
    // Another period makes other steps, and so other nonces.
    expect(nonce).not.toBe(nonces.current(STEP_START));
  });
});
