import { compactVerify, decodeProtectedHeader } from 'jose';
import { z } from 'zod';
import type { KeyRing } from '@grantline/lib-tokens';

/** What an ID token we issued says about the session and client it was issued in. */
export interface IdTokenHint {
  sub: string;
  /** The client it was issued to: its single audience, or `azp` when there are several. */
  clientId: string;
  /** The session it was issued in (OpenID Connect Front/Back-Channel Logout `sid`). */
  sid?: string;
}

const claimsSchema = z.object({
  iss: z.string(),
  sub: z.string().min(1),
  aud: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  azp: z.string().min(1).optional(),
  sid: z.string().min(1).optional(),
});

/**
 * Reads an `id_token_hint` (RP-Initiated Logout 1.0 §2): an ID token this server signed, with
 * any key of the ring. Its expiry is not checked: a client ends a session with the ID token it
 * was given, however old. Access tokens (`typ` at+jwt) and logout tokens are signed with the same
 * keys, so only a token typed as a plain JWT is taken for an ID token. Null when it is not one.
 */
export async function readIdTokenHint(keys: KeyRing, issuer: string, hint: string): Promise<IdTokenHint | null> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(hint);
  } catch {
    return null;
  }
  const key = typeof header.kid === 'string' ? keys.byKid(header.kid) : undefined;
  if (key === undefined || header.alg !== key.alg) return null;
  if (header.typ !== undefined && header.typ.toUpperCase() !== 'JWT') return null;
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(hint, key.publicKey, { algorithms: [key.alg] }));
  } catch {
    return null;
  }
  const claims = claimsSchema.safeParse(parseJson(payload));
  if (!claims.success || claims.data.iss !== issuer) return null;
  const { sub, aud, azp, sid } = claims.data;
  const audiences = typeof aud === 'string' ? [aud] : aud;
  const clientId =
    audiences.length === 1 ? audiences[0] : azp !== undefined && audiences.includes(azp) ? azp : undefined;
  if (clientId === undefined) return null;
  return { sub, clientId, ...(sid === undefined ? {} : { sid }) };
}

function parseJson(payload: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(payload)) as unknown;
  } catch {
    return null;
  }
}
