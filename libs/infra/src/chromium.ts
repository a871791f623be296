import { ensureAptBinary } from './apt';
import type { LogOptions } from './types';

/** The Debian Chromium that the browser tests drive, installed with apt-get when missing. */
export function ensureChromium(options: LogOptions = {}): Promise<string> {
  return ensureAptBinary('chromium', 'chromium', options);
}
