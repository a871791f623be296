import { invalidRequest } from './errors';
import { header, type OAuthRequest } from './http-types';

/** Parameters a request may repeat: RFC 8707 §2 names one resource per `resource`. */
const REPEATABLE = new Set(['resource']);

/** A parsed form: its single parameters as a map, and the values of the repeatable ones. */
export class FormParameters extends Map<string, string> {
  private readonly repeated = new Map<string, string[]>();

  /** Every value of a repeatable parameter, in order; empty when absent. */
  all(name: string): readonly string[] {
    return this.repeated.get(name) ?? [];
  }

  add(name: string, value: string): void {
    this.repeated.set(name, [...this.all(name), value]);
  }
}

/**
 * Parses an application/x-www-form-urlencoded body (RFC 6749 §3.2: parameters are sent
 * form-encoded) and rejects repeated parameters (RFC 6749 §3.1: MUST NOT be included more
 * than once), except those a specification lets repeat, which are kept apart (`all`). Empty
 * values count as absent (RFC 6749 §3.1).
 */
export function parseForm(request: OAuthRequest): FormParameters {
  const contentType = header(request, 'content-type') ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw invalidRequest('The request body must be application/x-www-form-urlencoded');
  }
  const params = new FormParameters();
  for (const [name, value] of new URLSearchParams(request.body)) {
    if (REPEATABLE.has(name)) {
      if (value !== '') params.add(name, value);
      continue;
    }
    if (params.has(name)) throw invalidRequest(`Parameter '${name}' is repeated`);
    params.set(name, value);
  }
  for (const [name, value] of params) if (value === '') params.delete(name);
  return params;
}
