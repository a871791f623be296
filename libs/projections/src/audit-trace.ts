/**
 * The start of every traceparent of a trace (W3C Trace Context §3.2: `00-<trace id>-<parent id>-<flags>`).
 * Grantline writes version 00 only. The id must already be 32 lowercase hex digits (the admin API
 * checks it), so it carries nothing a pattern would read as an operator.
 */
export function traceparentPrefix(traceId: string): string {
  if (!/^[0-9a-f]{32}$/.test(traceId)) throw new RangeError('a trace id is 32 lowercase hex digits');
  return `00-${traceId}-`;
}
