import { withChallenge } from '../error-challenge';
import { OAuthError } from '../errors';

export { DPOP_ALGORITHMS } from '../error-challenge';

/** Where a proof was presented: the token endpoint answers 400 JSON, a resource 401 with a challenge. */
export type ProofSite = 'token' | 'resource';

/** RFC 9449 §5 (token endpoint) and §7.1 (resources): the proof is missing, malformed or does not fit. */
export function invalidDpopProof(description: string, site: ProofSite, detail?: string): OAuthError {
  if (site === 'token') return new OAuthError('invalid_dpop_proof', description, 400, { detail });
  return withChallenge(new OAuthError('invalid_dpop_proof', description, 401, { detail }), { schemes: ['DPoP'] });
}

/** RFC 9449 §8 and §9: ask for a proof with this server nonce. */
export function useDpopNonce(nonce: string, site: ProofSite): OAuthError {
  const description = 'Send the DPoP proof again with the server nonce';
  const headers = { 'DPoP-Nonce': nonce, 'Cache-Control': 'no-store' };
  if (site === 'token') return new OAuthError('use_dpop_nonce', description, 400, { headers });
  return withChallenge(new OAuthError('use_dpop_nonce', description, 401, { headers }), { schemes: ['DPoP'] });
}
