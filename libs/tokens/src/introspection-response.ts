import { SignJWT } from 'jose';
import type { KeyRing } from './signing-keys';

/** RFC 9701 §5: the `typ` of a signed introspection answer, and its media type (§4, §9.2). */
export const INTROSPECTION_JWT_TYP = 'token-introspection+jwt';
export const INTROSPECTION_JWT_MEDIA_TYPE = `application/${INTROSPECTION_JWT_TYP}`;

export interface IntrospectionResponseClaims {
  iss: string;
  /** The resource server the answer is for: the client that authenticated to ask. */
  aud: string;
  iat: number;
  /** The RFC 7662 §2.2 answer, kept apart from the top-level claims (RFC 9701 §5). */
  token_introspection: Readonly<Record<string, unknown>>;
}

/**
 * RFC 9701 §5: the introspection answer as a JWT signed with the active key (its kid is in the
 * JWKS). No `sub` and no `exp` at the top level, so the answer cannot be mistaken for an access
 * token (RFC 9701 §8.1).
 */
export function signIntrospectionResponse(ring: KeyRing, claims: IntrospectionResponseClaims): Promise<string> {
  const { active } = ring;
  return new SignJWT({ token_introspection: claims.token_introspection })
    .setProtectedHeader({ alg: active.alg, typ: INTROSPECTION_JWT_TYP, kid: active.kid })
    .setIssuer(claims.iss)
    .setAudience(claims.aud)
    .setIssuedAt(claims.iat)
    .sign(active.privateKey);
}

/** The algorithms signed introspection answers may come with: the active key's (RFC 9701 §6). */
export function introspectionSigningAlgorithms(ring: KeyRing): readonly string[] {
  return [ring.active.alg];
}
