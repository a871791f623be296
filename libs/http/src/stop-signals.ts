import type { Logger } from './logger';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type StopSignal = (typeof SIGNALS)[number];

/** 128 + the signal's number, as a shell reports a process the signal ended. */
const EXIT_ON_SECOND: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * On the first SIGTERM or SIGINT runs `stop` and exits with the code it resolves to; a second
 * signal while it runs exits at once, non-zero, for an operator who does not want to wait.
 */
export function onStopSignals(
  stop: (signal: StopSignal) => Promise<number>,
  options: { logger?: Pick<Logger, 'warn'>; exit?: (code: number) => void } = {},
): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (stopping) {
        options.logger?.warn({ signal }, 'shutdown: second signal, exiting now');
        exit(EXIT_ON_SECOND[signal]);
        return;
      }
      stopping = true;
      stop(signal).then(exit, () => exit(1));
    });
  }
}
