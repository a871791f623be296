import { z } from 'zod';
import { DPOP_ALGORITHMS } from './dpop-errors';

/**
 * The JSON types of a DPoP proof's members, checked before any other check reads one: a member
 * of the wrong type (a jwk that is a string, a numeric nonce) is a refused proof, never an
 * exception. Members a proof may carry but we do not read are ignored, as RFC 7515 §4 and
 * RFC 7517 §4 require of unknown members.
 */
const text = z.string().optional();

/**
 * RFC 7517 §4 and RFC 7518 §6: a JWK is an object, and each member registered for it is a string
 * (key_ops and x5c are arrays of strings, oth an array of objects). Which of them a proof key may
 * have is decided after this, in the proof check.
 */
export const ProofJwkSchema = z.looseObject({
  kty: text,
  use: text,
  key_ops: z.array(z.string()).optional(),
  alg: text,
  kid: text,
  x5u: text,
  x5c: z.array(z.string()).optional(),
  x5t: text,
  'x5t#S256': text,
  crv: text,
  x: text,
  y: text,
  n: text,
  e: text,
  d: text,
  p: text,
  q: text,
  dp: text,
  dq: text,
  qi: text,
  oth: z.array(z.object({})).optional(),
  k: text,
});
export type ProofJwk = z.infer<typeof ProofJwkSchema>;

/** RFC 9449 §4.2 and RFC 7515 §4.1.4: the protected header of a proof. */
export const ProofHeaderSchema = z.looseObject({
  typ: z.literal('dpop+jwt'),
  alg: z.enum(DPOP_ALGORITHMS),
  jwk: ProofJwkSchema,
  kid: text,
});

/** RFC 9449 §4.2: the claims of a proof; their values are checked against the request afterwards. */
export const ProofClaimsSchema = z.looseObject({
  jti: text,
  htm: text,
  htu: text,
  iat: z.number().optional(),
  ath: text,
  nonce: text,
});
export type ProofClaims = z.infer<typeof ProofClaimsSchema>;

/** The header or claim a failed parse is about: the first member named by its first issue. */
export function memberOf(error: z.ZodError): string | undefined {
  const [member] = error.issues[0]?.path ?? [];
  return typeof member === 'string' ? member : undefined;
}

/** The jwk member a failed header parse is about, for the log: a name of ours, never the caller's. */
export function jwkProblemOf(error: z.ZodError, jwk: unknown): string {
  if (jwk === undefined) return 'no jwk';
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'jwk is not an object';
  const [, member] = error.issues[0]?.path ?? [];
  return `jwk member ${String(member)} has the wrong type`;
}
