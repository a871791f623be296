import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs; secrets never reach here because handlers only log ids and hashes. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'client_secret',
        'token',
        'password',
        'code',
        'refresh_token',
      ],
      remove: true,
    },
  });
}
