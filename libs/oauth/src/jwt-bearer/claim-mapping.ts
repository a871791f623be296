import type { JWTPayload } from 'jose';
import type { TrustedIssuer } from './trusted-issuers';

/** What an assertion says about whom the token is for, as the issuer's entry maps it. */
export interface MappedIdentity {
  subject: string;
  /** The mapped claims, by their name in the token; a claim the assertion lacks is left out. */
  claims: Record<string, string>;
}

const MAX_VALUE_LENGTH = 255;

/** RFC 6901: the value a JSON Pointer (or a plain top-level name) points at in the claims. */
export function claimAt(payload: JWTPayload, pointer: string): unknown {
  if (!pointer.startsWith('/')) return payload[pointer];
  let value: unknown = payload;
  for (const raw of pointer.slice(1).split('/')) {
    const name = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, name)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

/** Whether a subject matches one of the patterns: exactly, or by prefix for a trailing `*`. */
export function subjectAllowed(subject: string, patterns: readonly string[] | undefined): boolean {
  if (patterns === undefined) return true;
  return patterns.some((pattern) =>
    pattern.endsWith('*') ? subject.startsWith(pattern.slice(0, -1)) : subject === pattern,
  );
}

/**
 * The subject and the mapped claims of a verified assertion; undefined when the subject claim is
 * not a usable string. Mapped values are strings, numbers or booleans, copied as strings; other
 * values (objects, lists) are left out rather than flattened.
 */
export function mapIdentity(payload: JWTPayload, entry: TrustedIssuer): MappedIdentity | undefined {
  const subject = claimAt(payload, entry.subject_claim);
  if (typeof subject !== 'string' || subject === '' || subject.length > MAX_VALUE_LENGTH) return undefined;
  const claims: Record<string, string> = {};
  for (const [name, pointer] of Object.entries(entry.claims)) {
    const value = claimAt(payload, pointer);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const text = String(value);
    if (text.length <= MAX_VALUE_LENGTH) claims[name] = text;
  }
  return { subject, claims };
}
