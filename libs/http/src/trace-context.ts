import { randomUUID } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface RequestTrace {
  traceId: string;
  /** W3C traceparent naming this request's span; events and logs carry it. */
  traceparent: string;
}

/**
 * Continues the caller's W3C trace when it sent a valid `traceparent`, or starts one, so every
 * event the request causes can be traced back to it.
 */
export function requestTrace(incoming: string | string[] | undefined): RequestTrace {
  const match = typeof incoming === 'string' ? TRACEPARENT.exec(incoming) : null;
  // randomUUID draws from a pooled buffer; two getrandom calls per request showed in profiles.
  const traceId = match?.[1] && !/^0+$/.test(match[1]) ? match[1] : hex(randomUUID());
  const flags = match?.[3] ?? '01';
  return { traceId, traceparent: `00-${traceId}-${hex(randomUUID()).slice(0, 16)}-${flags}` };
}

function hex(uuid: string): string {
  return uuid.replace(/-/g, '');
}
