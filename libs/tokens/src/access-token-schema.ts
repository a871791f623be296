import { z } from 'zod';

export const ACCESS_TOKEN_TYP = 'at+jwt';

/**
 * The protected header of one of our access tokens. RFC 9068 §4: typ at+jwt, so an ID token cannot
 * pass as an access token; RFC 7515 §4.1.4: kid is a string, and picks the key that verifies it.
 */
export const AccessTokenHeaderSchema = z.looseObject({
  typ: z.literal(ACCESS_TOKEN_TYP),
  kid: z.string(),
});

/** RFC 8693 §4.1: who acts for the subject; a nested `act` is the actor before it. */
export interface ActClaim {
  sub: string;
  act?: ActClaim;
}

/** Exchanges of exchanged tokens nest `act` and lengthen `xfr`; past this depth a token is not ours. */
export const MAX_EXCHANGE_DEPTH = 5;

const ActClaimSchema: z.ZodType<ActClaim> = z.object({
  sub: z.string(),
  get act() {
    return ActClaimSchema.optional();
  },
});

/**
 * RFC 9068 §2.2: the claims we sign, each of its JSON type. Members we do not issue are dropped,
 * so a verified token carries nothing its reader does not expect.
 */
export const AccessTokenClaimsSchema = z.object({
  iss: z.string(),
  sub: z.string(),
  /** The server's own audience, or the resource(s) the token is for (RFC 8707 §2, RFC 9068 §3). */
  aud: z.union([z.string(), z.array(z.string()).min(1)]),
  client_id: z.string(),
  scope: z.string(),
  jti: z.string(),
  iat: z.number(),
  exp: z.number(),
  /** The user grant the token was issued from; absent for client_credentials. */
  gid: z.string().optional(),
  /** Set on personal access tokens: issued to a user directly, not through a client's grant. */
  pat: z.literal(true).optional(),
  /**
   * On a personal access token minted with a third-party client's access token: that client
   * (OIDC Core §2, the authorized party). With `gid` it ties the token to that client's grant.
   */
  azp: z.string().optional(),
  /** RFC 9449 §6: the thumbprint of the DPoP key a sender-constrained token is bound to. */
  cnf: z.object({ jkt: z.string() }).optional(),
  /** RFC 8693 §4.1: on a token issued by exchange with an actor token, the actor (nested for earlier ones). */
  act: ActClaimSchema.optional(),
  /**
   * On a token issued by token exchange: the `jti` of each token it was obtained from, nearest
   * first. Revoking any of them ends this one too.
   */
  xfr: z.array(z.string()).min(1).max(MAX_EXCHANGE_DEPTH).optional(),
  /** On an exchanged token whose subject is a user without a client's grant (a personal access token's). */
  usr: z.literal(true).optional(),
  /** On a token issued for a JWT bearer assertion: the assertion's claims the operator maps, by name. */
  ext: z.record(z.string(), z.string()).optional(),
  /**
   * On a token of an OpenID Connect grant whose request asked for claims one by one at UserInfo
   * (OpenID Connect Core §5.5 `userinfo`): their names, which /userinfo answers beside the scope's.
   */
  uic: z.array(z.string()).min(1).optional(),
});

/** Claims of a JWT access token (RFC 9068 §2.2). */
export type AccessTokenClaims = z.infer<typeof AccessTokenClaimsSchema>;

/** The audiences a token is meant for, as a list whichever form `aud` has (RFC 7519 §4.1.3). */
export function audiencesOf(claims: Pick<AccessTokenClaims, 'aud'>): readonly string[] {
  return typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
}
