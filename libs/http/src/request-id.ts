import { randomUUID } from 'node:crypto';

/** The caller's X-Request-Id when it is a sane token, else a fresh one, to tie logs together. */
export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : randomUUID();
}
