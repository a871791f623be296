import { SignJWT, jwtVerify, decodeProtectedHeader } from 'jose';
import type { KeyRing } from './signing-keys';

/** Claims of a JWT access token (RFC 9068 §2.2). */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  /** The user grant the token was issued from; absent for client_credentials. */
  gid?: string;
  /** Set on personal access tokens: issued to a user directly, not through a client's grant. */
  pat?: true;
  /** RFC 9449 §6: the thumbprint of the DPoP key a sender-constrained token is bound to. */
  cnf?: { jkt: string };
}

export const ACCESS_TOKEN_TYP = 'at+jwt';

export async function signAccessToken(ring: KeyRing, claims: AccessTokenClaims): Promise<string> {
  const { active } = ring;
  const extra = {
    ...(claims.gid === undefined ? {} : { gid: claims.gid }),
    ...(claims.pat ? { pat: true } : {}),
    ...(claims.cnf ? { cnf: { jkt: claims.cnf.jkt } } : {}),
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
    const { kid, typ } = decodeProtectedHeader(token);
    // RFC 9068 §4: reject tokens whose typ is not at+jwt, so ID tokens cannot pass as access tokens.
    if (typ !== ACCESS_TOKEN_TYP || typeof kid !== 'string') return null;
    const key = ring.byKid(kid);
    if (!key) return null;
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer,
      algorithms: [key.alg],
      typ: ACCESS_TOKEN_TYP,
      clockTolerance: Number.MAX_SAFE_INTEGER,
    });
    return toClaims(payload);
  } catch {
    return null;
  }
}

function toClaims(payload: Record<string, unknown>): AccessTokenClaims | null {
  const { iss, sub, aud, client_id, scope, jti, iat, exp, gid, pat, cnf } = payload;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
  if (
    typeof iss !== 'string' ||
    typeof sub !== 'string' ||
    typeof aud !== 'string' ||
    typeof client_id !== 'string' ||
    typeof scope !== 'string' ||
    typeof jti !== 'string' ||
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    (gid !== undefined && typeof gid !== 'string') ||
    (pat !== undefined && pat !== true) ||
    (cnf !== undefined && typeof jkt !== 'string')
  ) {
    return null;
  }
  return {
    iss,
    sub,
    aud,
    client_id,
    scope,
    jti,
    iat,
    exp,
    ...(gid === undefined ? {} : { gid }),
    ...(pat === true ? { pat } : {}),
    ...(typeof jkt === 'string' ? { cnf: { jkt } } : {}),
  };
}
