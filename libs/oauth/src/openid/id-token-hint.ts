import { decodeProtectedHeader, jwtVerify } from 'jose';
import { z } from 'zod';
import type { KeyRing } from '@grantline/lib-tokens';

/** What an `id_token_hint` tells about the person it names, once it is known to be ours. */
export interface IdTokenHint {
  sub: string;
  aud: readonly string[];
  /** The authorized party, when the token has several audiences. */
  azp?: string;
  /** The session it was issued in (the `sid` logout names). */
  sid?: string;
}

/**
 * ID tokens carry no `typ` or `JWT`; our other JWTs (access tokens `at+jwt`, introspection answers,
 * logout tokens) name their own type, so none of them passes as a hint.
 */
const headerSchema = z.object({
  kid: z.string().min(1),
  typ: z.enum(['JWT', 'jwt']).optional(),
});
const claimsSchema = z.object({
  sub: z.string().min(1),
  aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  iat: z.number(),
  azp: z.string().min(1).optional(),
  sid: z.string().min(1).optional(),
});

/**
 * OpenID Connect Core §3.1.2.1: an ID token this server issued, passed back as a hint about who
 * should be signed in. The signature and issuer are checked with our own keys; an expired token is
 * still a good hint (the person it names does not change), so expiry is not. Null for anything not ours.
 */
export async function verifyIdTokenHint(keys: KeyRing, issuer: string, token: string): Promise<IdTokenHint | null> {
  try {
    const header = headerSchema.safeParse(decodeProtectedHeader(token));
    if (!header.success) return null;
    const key = keys.byKid(header.data.kid);
    if (!key) return null;
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer,
      algorithms: [key.alg],
      clockTolerance: Number.MAX_SAFE_INTEGER,
    });
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) return null;
    const { sub, aud, azp, sid } = claims.data;
    return {
      sub,
      aud: typeof aud === 'string' ? [aud] : aud,
      ...(azp === undefined ? {} : { azp }),
      ...(sid === undefined ? {} : { sid }),
    };
  } catch {
    return null;
  }
}
