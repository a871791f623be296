import { safeParseEvent, type GrantlineEvent } from '@grantline/lib-events';

/** Why a record could not be read: not JSON at all, or JSON that the event catalogue refuses. */
export type UnreadableReason = 'not_json' | 'invalid_event';

export type DecodedRecord =
  { readable: true; event: GrantlineEvent } | { readable: false; reason: UnreadableReason; detail: string };

/** Room for the zod issues in a header; enough to name the fields at fault. */
export const DETAIL_LIMIT = 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads one record value as an event of the catalogue. The detail names what is wrong without
 * quoting the value: JSON parse errors quote the input, and a value may carry secrets.
 */
export function decodeRecord(value: Buffer): DecodedRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(utf8.decode(value));
  } catch {
    return { readable: false, reason: 'not_json', detail: 'the value is not UTF-8 JSON' };
  }
  const parsed = safeParseEvent(raw);
  if (parsed.success) return { readable: true, event: parsed.data };
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`);
  return { readable: false, reason: 'invalid_event', detail: truncate(issues.join('; '), DETAIL_LIMIT) };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
