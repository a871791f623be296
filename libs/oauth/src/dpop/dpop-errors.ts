import { OAuthError } from '../errors';

/** RFC 9449 §5.1: the algorithms a proof may be signed with; asymmetric only, never `none` or HMAC. */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;

/** Where a proof was presented: the token endpoint answers 400 JSON, a resource 401 with a challenge. */
export type ProofSite = 'token' | 'resource';

const ALGS = `algs="${DPOP_ALGORITHMS.join(' ')}"`;

/** RFC 9449 §7.1: the DPoP challenge of a protected resource. */
export function dpopChallenge(error?: { code: string; description: string }): string {
  if (!error) return `DPoP ${ALGS}`;
  return `DPoP error="${error.code}", error_description="${error.description}", ${ALGS}`;
}

/** RFC 9449 §5 (token endpoint) and §7.1 (resources): the proof is missing, malformed or does not fit. */
export function invalidDpopProof(description: string, site: ProofSite, detail?: string): OAuthError {
  if (site === 'token') return new OAuthError('invalid_dpop_proof', description, 400, { detail });
  return new OAuthError('invalid_dpop_proof', description, 401, {
    detail,
    wwwAuthenticate: dpopChallenge({ code: 'invalid_dpop_proof', description }),
  });
}

/** RFC 9449 §8 and §9: ask for a proof with this server nonce. */
export function useDpopNonce(nonce: string, site: ProofSite): OAuthError {
  const description = 'Send the DPoP proof again with the server nonce';
  return new OAuthError('use_dpop_nonce', description, site === 'token' ? 400 : 401, {
    headers: { 'DPoP-Nonce': nonce, 'Cache-Control': 'no-store' },
    ...(site === 'resource' ? { wwwAuthenticate: dpopChallenge({ code: 'use_dpop_nonce', description }) } : {}),
  });
}
