/** The request kinds of the steady load, each with what counts as it succeeding. */
export const requestKinds = ['issue', 'introspect', 'revoke', 'refresh', 'device-poll'] as const;
export type RequestKind = (typeof requestKinds)[number];

/** One request of the load and what came back (times are epoch ms). */
export interface Answer {
  kind: RequestKind;
  start: number;
  end: number;
  /** The HTTP status; 0 when no answer came (refused, reset, timed out). */
  status: number;
  /** Whether the answer is the one a healthy server gives (see {@link LoadAnswerCheck}). */
  ok: boolean;
  /** `error` of an OAuth error answer, or why no answer came. */
  error?: string;
  /** The access token's `jti`: the one handed out (issue, refresh) or the one asked about (introspect, revoke). */
  jti?: string;
  /** `active` of an introspection answer. */
  active?: boolean;
  /** For an introspection: its token's revocation had been answered 200 before this request left. */
  revokedBefore?: boolean;
  /** For a refresh: the previous request with the same refresh token was refused with 503. */
  refusedBefore?: boolean;
}

/** The `jti` claim of a JWT access token (read without verifying: the server issued it). */
export function jtiOf(accessToken: string): string | undefined {
  try {
    const payload = accessToken.split('.')[1] ?? '';
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown };
    return typeof claims.jti === 'string' ? claims.jti : undefined;
  } catch {
    return undefined;
  }
}
