/** Error codes exactly as RFC 6749 §5.2, RFC 7009 §2.2.1 and RFC 6750 §3.1 spell them. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'access_denied'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce'
  | 'temporarily_unavailable'
  | 'server_error';

/**
 * The one error type of the OAuth layer. `error_description` reaches the client; `detail`
 * is for logs only.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(
    readonly error: OAuthErrorCode,
    readonly error_description: string,
    readonly status: number,
    readonly options: {
      detail?: string;
      cause?: unknown;
      wwwAuthenticate?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(`${error}: ${error_description}`, { cause: options.cause });
  }
}

export const invalidRequest = (description: string, detail?: string) =>
  new OAuthError('invalid_request', description, 400, { detail });

/** RFC 6749 §5.2: 401, with a challenge when the client tried the Authorization header. */
export const invalidClient = (description: string, basicAttempted: boolean, detail?: string) =>
  new OAuthError('invalid_client', description, 401, {
    detail,
    ...(basicAttempted ? { wwwAuthenticate: 'Basic realm="grantline", charset="UTF-8"' } : {}),
  });

export const invalidGrant = (description: string, detail?: string) =>
  new OAuthError('invalid_grant', description, 400, { detail });

export const unauthorizedClient = (description: string) => new OAuthError('unauthorized_client', description, 400);

export const unsupportedGrantType = (description: string) => new OAuthError('unsupported_grant_type', description, 400);

export const invalidScope = (description: string) => new OAuthError('invalid_scope', description, 400);

export const temporarilyUnavailable = (description: string, cause?: unknown) =>
  new OAuthError('temporarily_unavailable', description, 503, { cause, headers: { 'Retry-After': '1' } });

export const serverError = (cause?: unknown) =>
  new OAuthError('server_error', 'The server encountered an unexpected condition', 500, { cause });
