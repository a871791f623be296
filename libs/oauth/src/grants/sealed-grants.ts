import { z } from 'zod';
import type { OAuthContext } from '../oauth-context';
import { epochSeconds } from '../clock';

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
  code_challenge: z.string().min(1),
  auth_time: z.number().int(),
  /** When the grant started (epoch seconds); a later consent withdrawal ends it. */
  gat: z.number().int(),
  /** The grant's absolute end. */
  gexp: z.number().int(),
  /** RFC 9449 §10: the code may be redeemed only with a proof by this key. */
  dpop_jkt: z.string().optional(),
  /** RFC 8707: the resources the person consented to; absent for the server's own audience. */
  res: z.array(z.string()).optional(),
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
