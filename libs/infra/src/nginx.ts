import { ensureAptBinary } from './apt';
import type { LogOptions } from './types';

/** Path of the nginx binary, installing the Debian package when it is missing. */
export function ensureNginx(options: LogOptions = {}): Promise<string> {
  return ensureAptBinary('nginx', 'nginx', options);
}
