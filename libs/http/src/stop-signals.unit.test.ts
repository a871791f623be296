import { onStopSignals } from './stop-signals';

describe('onStopSignals', () => {
  const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };

  afterEach(() => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      for (const listener of process.listeners(signal)) {
        if (!before[signal].includes(listener)) process.off(signal, listener);
      }
    }
  });

  it('runs the stop once and exits with its code; a second signal exits at once, non-zero', async () => {
    const exits: number[] = [];
    const signals: string[] = [];
    let finish: (code: number) => void = () => undefined;
    onStopSignals(
      (signal) => {
        signals.push(signal);
        return new Promise<number>((resolve) => (finish = resolve));
      },
      { exit: (code) => exits.push(code) },
    );

    process.emit('SIGTERM');
    expect(signals).toEqual(['SIGTERM']);
    expect(exits).toEqual([]);
    process.emit('SIGINT');
    expect(exits).toEqual([130]);
    process.emit('SIGTERM');
    expect(exits).toEqual([130, 143]);
    expect(signals).toEqual(['SIGTERM']);

    finish(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([130, 143, 0]);
  });

  it('exits 1 when the stop itself fails', async () => {
    const exits: number[] = [];
    onStopSignals(() => Promise.reject(new Error('stuck')), { exit: (code) => exits.push(code) });
    process.emit('SIGINT');
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([1]);
  });
});
