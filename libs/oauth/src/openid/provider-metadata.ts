import { idTokenSigningAlgorithms } from '@grantline/lib-events';
import type { KeyRing, SigningKey } from '@grantline/lib-tokens';
import { PASSWORD_ACR } from '../authorize/openid-grant';
import { DEFAULT_ID_TOKEN_ALG } from './id-token';
import { OPENID_SCOPE } from './openid-grant';
import { CLAIMS_BY_SCOPE, USER_CLAIM_NAMES } from './user-claims';

/** The algorithms a client may register for its ID tokens, the default first (one list, in the client's schema). */
export const ID_TOKEN_ALGORITHMS = idTokenSigningAlgorithms;

/** The scopes OpenID Connect defines that Grantline answers (Core §3.1.2.1, §5.4, §11). */
export const OPENID_SCOPES = [OPENID_SCOPE, ...Object.keys(CLAIMS_BY_SCOPE), 'offline_access'];

/** Claims an ID token may carry beside those about the person (Core §2, §3.1.3.6; Front-Channel Logout `sid`). */
const TOKEN_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'sid', 'at_hash'];

/** The scopes on offer: the OpenID ones, then those registered clients may ask for, each once. */
export function withOpenIdScopes(offered: readonly string[]): string[] {
  return [...new Set([...OPENID_SCOPES, ...offered])];
}

/** What the metadata needs of a key ring: the algorithms it holds and the one of its first key. */
export type RingAlgorithms = Pick<KeyRing, 'algorithms'> & { active: Pick<SigningKey, 'alg'> };

/**
 * The algorithms ID tokens are signed with: those a client may register that the ring holds,
 * and, for a ring without the default, the algorithm that then stands in for it (id-token.ts).
 */
export function idTokenAlgorithms(keys: RingAlgorithms): string[] {
  const held = keys.algorithms();
  const registrable = ID_TOKEN_ALGORITHMS.filter((alg) => held.includes(alg));
  return held.includes(DEFAULT_ID_TOKEN_ALG) ? registrable : [...new Set([keys.active.alg, ...registrable])];
}

/**
 * What OpenID Connect Discovery §3 adds to the RFC 8414 document. Pairwise subjects are offered
 * only when the operator set their salt. The logout endpoints are RP-Initiated Logout 1.0 and
 * Back-Channel Logout 1.0.
 */
export function openIdProviderMetadata(
  issuer: string,
  keys: RingAlgorithms,
  pairwise: boolean,
): Record<string, unknown> {
  return {
    id_token_signing_alg_values_supported: idTokenAlgorithms(keys),
    subject_types_supported: pairwise ? ['public', 'pairwise'] : ['public'],
    claims_supported: [...TOKEN_CLAIMS, ...USER_CLAIM_NAMES],
    claim_types_supported: ['normal'],
    claims_parameter_supported: true,
    // The one level Grantline's sign-in reaches, reported when a request asks about `acr` (0048).
    acr_values_supported: [PASSWORD_ACR],
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    end_session_endpoint: `${issuer}/oauth/logout`,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
    frontchannel_logout_supported: false,
  };
}
