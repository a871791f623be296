/**
 * The algorithms a JWT assertion (a client's, RFC 7523 §2.2, or a trusted issuer's, §2.1) may be
 * signed with: asymmetric only, never `none` and never HMAC, whose shared secret is not a key the
 * signer alone holds (RFC 7518 §3.1).
 */
export const ASSERTION_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
