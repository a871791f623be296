import { SignJWT, jwtVerify, decodeProtectedHeader } from 'jose';
import {
  ACCESS_TOKEN_TYP,
  AccessTokenClaimsSchema,
  AccessTokenHeaderSchema,
  type AccessTokenClaims,
} from './access-token-schema';
import type { KeyRing } from './signing-keys';

export {
  ACCESS_TOKEN_TYP,
  MAX_EXCHANGE_DEPTH,
  audiencesOf,
  type AccessTokenClaims,
  type ActClaim,
} from './access-token-schema';

export async function signAccessToken(ring: KeyRing, claims: AccessTokenClaims): Promise<string> {
  const { active } = ring;
  const extra = {
    ...(claims.gid === undefined ? {} : { gid: claims.gid }),
    ...(claims.pat ? { pat: true } : {}),
    ...(claims.azp === undefined ? {} : { azp: claims.azp }),
    ...(claims.cnf ? { cnf: { jkt: claims.cnf.jkt } } : {}),
    ...(claims.act === undefined ? {} : { act: claims.act }),
    ...(claims.xfr === undefined ? {} : { xfr: [...claims.xfr] }),
    ...(claims.usr ? { usr: true } : {}),
    ...(claims.ext === undefined ? {} : { ext: { ...claims.ext } }),
    ...(claims.uic === undefined ? {} : { uic: [...claims.uic] }),
  };
  return new SignJWT({ client_id: claims.client_id, scope: claims.scope, ...extra })
    .setProtectedHeader({ alg: active.alg, typ: ACCESS_TOKEN_TYP, kid: active.kid })
    .setIssuer(claims.iss)
    .setSubject(claims.sub)
    .setAudience(claims.aud)
    .setJti(claims.jti)
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(active.privateKey);
}

/**
 * Verifies signature, `typ`, issuer and shape; expiry is the caller's to check against its
 * clock so a cached verification can be reused. Returns null for anything not ours.
 */
export async function verifyAccessToken(
  ring: KeyRing,
  issuer: string,
  token: string,
): Promise<AccessTokenClaims | null> {
  try {
    // RFC 9068 §4: reject tokens whose typ is not at+jwt, so ID tokens cannot pass as access tokens.
    const header = AccessTokenHeaderSchema.safeParse(decodeProtectedHeader(token));
    if (!header.success) return null;
    const key = ring.byKid(header.data.kid);
    if (!key) return null;
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer,
      algorithms: [key.alg],
      typ: ACCESS_TOKEN_TYP,
      clockTolerance: Number.MAX_SAFE_INTEGER,
    });
    const claims = AccessTokenClaimsSchema.safeParse(payload);
    return claims.success ? claims.data : null;
  } catch {
    return null;
  }
}
