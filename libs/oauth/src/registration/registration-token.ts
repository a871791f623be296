import { createHash, timingSafeEqual } from 'node:crypto';
import { withChallenge } from '../error-challenge';
import { OAuthError } from '../errors';
import { header, type OAuthRequest } from '../http-types';

/** RFC 6750 §2.1: `Bearer` and a b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Registration access tokens (RFC 7592 §3) and initial access tokens (RFC 7591 §3) are random
 * values of at least 256 bits, so one SHA-256 is enough to keep them out of the log: there is
 * nothing to guess that a slow hash would protect.
 */
export function hashRegistrationToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Compares a presented token with a stored hash in constant time. */
export function matchesTokenHash(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashRegistrationToken(token));
  const stored = Buffer.from(storedHash);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/**
 * The Bearer token of a registration request (RFC 6750 §2.1, header only). A request without
 * one is asked for it without an error code (RFC 6750 §3.1).
 */
export function presentedBearerToken(request: OAuthRequest): string {
  const token = BEARER.exec(header(request, 'authorization') ?? '')?.[1];
  if (token !== undefined) return token;
  const missing = new OAuthError('invalid_token', 'A Bearer token is required', 401);
  throw withChallenge(missing, { schemes: ['Bearer'], anonymous: true });
}

/** RFC 6750 §3.1: the one answer to a token that is wrong, whatever it was meant to reach. */
export function refusedRegistrationToken(): OAuthError {
  return withChallenge(new OAuthError('invalid_token', 'The token is not valid for this registration', 401), {
    schemes: ['Bearer'],
  });
}
