import { invalidRequest } from './errors';
import { header, type OAuthRequest } from './http-types';

/**
 * Parses an application/x-www-form-urlencoded body (RFC 6749 §3.2: parameters are sent
 * form-encoded) and rejects repeated parameters (RFC 6749 §3.1: MUST NOT be included more
 * than once). Empty values count as absent (RFC 6749 §3.1).
 */
export function parseForm(request: OAuthRequest): Map<string, string> {
  const contentType = header(request, 'content-type') ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw invalidRequest('The request body must be application/x-www-form-urlencoded');
  }
  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(request.body)) {
    if (params.has(name)) throw invalidRequest(`Parameter '${name}' is repeated`);
    params.set(name, value);
  }
  for (const [name, value] of params) if (value === '') params.delete(name);
  return params;
}
