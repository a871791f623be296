import { z } from 'zod';
import { outlivesSession } from '@grantline/lib-projections';
import type { OAuthContext } from '../oauth-context';
import { epochSeconds } from '../clock';

/**
 * What an OpenID Connect grant (scope `openid`) carries from the authentication request and the
 * session to every ID token it yields: at code redemption, and again at each refresh.
 */
export const openIdGrantSchema = z.object({
  /** Core §3.1.2.1: echoed in the ID token of the code's redemption, and only there. */
  nonce: z.string().optional(),
  /** The session the person signed in with; absent when none (a device approved without one). */
  sid: z.string().optional(),
  /** RFC 8176 methods and the level reached (Core §2 `amr`, `acr`). */
  amr: z.array(z.string()).optional(),
  acr: z.string().optional(),
  /**
   * Core §5.5: individual claims the request asked for, by where they go. Each value is the
   * request's entry (null, or `{essential, value, values}`), kept as asked.
   */
  claims: z
    .object({
      id_token: z.record(z.string(), z.unknown()).optional(),
      userinfo: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
export type OpenIdGrant = z.infer<typeof openIdGrantSchema>;

/** The browser session a grant was given in, as token liveness checks it; nothing for a grant without one. */
export function sessionOfGrant(
  scope: string,
  oidc: OpenIdGrant | undefined,
): { session?: { sessionId: string; offline: boolean } } {
  return oidc?.sid === undefined ? {} : { session: { sessionId: oidc.sid, offline: outlivesSession(scope) } };
}

/** What an authorization code carries, sealed; nobody but the server can read or forge it. */
export const codePayloadSchema = z.object({
  /** The grant this code starts. */
  gid: z.string().min(1),
  /** The code's own id, claimed once at redemption. */
  cid: z.string().min(1),
  client_id: z.string().min(1),
  sub: z.string().min(1),
  scope: z.string(),
  redirect_uri: z.string(),
  /** Whether the authorization request named the redirect URI (then the token request must repeat it). */
  redirect_uri_given: z.boolean(),
  /** Absent when the client was let off PKCE; then no verifier may be presented for it. */
  code_challenge: z.string().min(1).optional(),
  auth_time: z.number().int(),
  /** When the grant started (epoch seconds); a later consent withdrawal ends it. */
  gat: z.number().int(),
  /** The grant's absolute end. */
  gexp: z.number().int(),
  /** RFC 9449 §10: the code may be redeemed only with a proof by this key. */
  dpop_jkt: z.string().optional(),
  /** RFC 8707: the resources the person consented to; absent for the server's own audience. */
  res: z.array(z.string()).optional(),
  /** Present when the grant is an OpenID Connect one (scope `openid`). */
  oidc: openIdGrantSchema.optional(),
  exp: z.number().int(),
});
export type CodePayload = z.infer<typeof codePayloadSchema>;

/** What a refresh token carries, sealed. Its scope is the grant's; rotation never changes it. */
export const refreshPayloadSchema = z.object({
  gid: z.string().min(1),
  /** This token's id: its rotation is claimed once. */
  rid: z.string().min(1),
  client_id: z.string().min(1),
  sub: z.string().min(1),
  scope: z.string(),
  auth_time: z.number().int(),
  gat: z.number().int(),
  gexp: z.number().int(),
  /** RFC 9449 §5: a public client's refresh token works only with a proof by this key. */
  jkt: z.string().optional(),
  /** RFC 8707: the grant's resources; a refresh may ask for some of them, never for more. */
  res: z.array(z.string()).optional(),
  /** Issued to a client that does not rotate: used again and again, with no single-use claim. */
  keep: z.literal(true).optional(),
  /** The grant's OpenID Connect facts, so a refresh can issue a new ID token (never the nonce). */
  oidc: openIdGrantSchema.omit({ nonce: true }).optional(),
  exp: z.number().int(),
});
export type RefreshPayload = z.infer<typeof refreshPayloadSchema>;

export async function openCode(context: OAuthContext, code: string): Promise<CodePayload | null> {
  const payload = await context.artifacts.open('authorization-code', code, epochSeconds(context.clock));
  const parsed = codePayloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : null;
}

export async function openRefreshToken(context: OAuthContext, token: string): Promise<RefreshPayload | null> {
  const payload = await context.artifacts.open('refresh-token', token, epochSeconds(context.clock));
  const parsed = refreshPayloadSchema.safeParse(payload);
  return parsed.success ? parsed.data : null;
}
