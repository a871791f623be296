import { trace } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The trace and span of the work a line is logged in (a request, a consumer's batch), in the
 * OpenTelemetry log field names. Spans are active when they go to a collector; without one,
 * failure lines still name the request's trace in `traceId`.
 */
function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context) return {};
  return { trace_id: context.traceId, span_id: context.spanId, trace_flags: `0${context.traceFlags & 1}` };
}

/** JSON logs; secrets never reach here because handlers only log ids and hashes. */
export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: service,
    level,
    base: { service },
    mixin: traceFields,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'client_secret',
        'client_assertion',
        'token',
        'password',
        'code',
        'refresh_token',
      ],
      remove: true,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
