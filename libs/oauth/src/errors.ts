/**
 * Every error code the server answers with, exactly as the specifications spell them:
 * RFC 6749 §4.1.2.1 (authorization endpoint) and §5.2 (token endpoint), RFC 7009 §2.2.1,
 * RFC 6750 §3.1, RFC 7591 §3.2.2 (registration), RFC 8628 §3.5, RFC 8707 §2, RFC 9449 §5 and §7.1, RFC 9101 §7
 * (a pushed request's `request_uri`, RFC 9126 §4), and OpenID Connect Core §3.1.2.6 (the prompt=none answers and
 * the refusals of request objects and inline registration).
 */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'invalid_scope',
  'invalid_target',
  'invalid_request_uri',
  'access_denied',
  'unsupported_token_type',
  'invalid_token',
  'insufficient_scope',
  'authorization_pending',
  'slow_down',
  'expired_token',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'login_required',
  'consent_required',
  'interaction_required',
  'account_selection_required',
  'request_not_supported',
  'request_uri_not_supported',
  'registration_not_supported',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
  'temporarily_unavailable',
  'server_error',
] as const;
export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number];

export type ChallengeScheme = 'Bearer' | 'DPoP' | 'Basic';

/** What a `WWW-Authenticate` header says besides the error itself (see error-challenge.ts). */
export interface Challenge {
  /** One challenge per scheme, in this order. */
  schemes: readonly ChallengeScheme[];
  /** RFC 6750 §3.1: a request that sent no credentials is asked for them without an error code. */
  anonymous?: boolean;
  /** RFC 6750 §3: the scope an insufficient_scope answer needs. */
  scope?: string;
  /** RFC 9728 §5.1: where the protected resource's metadata is, on Bearer and DPoP challenges. */
  resourceMetadata?: string;
}

export interface OAuthErrorOptions {
  /** For logs only; never sent. */
  detail?: string;
  cause?: unknown;
  /** The challenge of a 401 (RFC 6750 §3, RFC 9449 §7.1, RFC 6749 §5.2 for Basic). */
  wwwAuthenticate?: string;
  /** What `wwwAuthenticate` was rendered from, so a protected resource can add to it. */
  challenge?: Challenge;
  headers?: Record<string, string>;
  /** Whether `error_description` was written for the caller; by default only below 500. */
  expose?: boolean;
  /** The failed checks of a request body, for the admin API's `{error, issues}` answer. */
  issues?: readonly string[];
}

/** What the caller reads instead of a description that was not written for it. */
const UNEXPOSED_DESCRIPTION: Partial<Record<OAuthErrorCode, string>> = {
  temporarily_unavailable: 'The service is temporarily unavailable; try again shortly',
};
const SERVER_ERROR_DESCRIPTION = 'The server encountered an unexpected condition';

/** RFC 6749 §5.2: error_description holds %x20-21 / %x23-5B / %x5D-7E and nothing else. */
const OUTSIDE_DESCRIPTION_CHARACTERS = /[^\x20\x21\x23-\x5b\x5d-\x7e]/gu;
/** Characters our own descriptions use, spelled in the allowed ones; anything else shows as `?`. */
const SPELLED: Record<string, string> = { '§': 'section ', '‘': "'", '’': "'", '"': "'" };

function withinDescriptionCharacters(text: string): string {
  return text.replace(OUTSIDE_DESCRIPTION_CHARACTERS, (character) => SPELLED[character] ?? '?');
}

/**
 * The one error type of the server. Every rendering (JSON body, redirect, `WWW-Authenticate`,
 * page, admin body) reads `publicDescription`, so what reaches a client is decided here once;
 * `error_description` of an unexposed error, `detail` and `cause` are for logs.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  readonly expose: boolean;

  constructor(
    readonly error: OAuthErrorCode,
    readonly error_description: string,
    readonly status: number,
    readonly options: OAuthErrorOptions = {},
  ) {
    super(`${error}: ${error_description}`, { cause: options.cause });
    this.expose = options.expose ?? status < 500;
  }

  /**
   * The description a caller may read, in the characters RFC 6749 §5.2 allows: it may echo what
   * the caller sent (a parameter's name), and it is quoted inside WWW-Authenticate.
   */
  get publicDescription(): string {
    if (this.expose) return withinDescriptionCharacters(this.error_description);
    return UNEXPOSED_DESCRIPTION[this.error] ?? SERVER_ERROR_DESCRIPTION;
  }
}

export const invalidRequest = (description: string, detail?: string) =>
  new OAuthError('invalid_request', description, 400, { detail });

export const invalidGrant = (description: string, detail?: string) =>
  new OAuthError('invalid_grant', description, 400, { detail });

export const unauthorizedClient = (description: string) => new OAuthError('unauthorized_client', description, 400);

export const unsupportedGrantType = (description: string) => new OAuthError('unsupported_grant_type', description, 400);

export const invalidScope = (description: string) => new OAuthError('invalid_scope', description, 400);

/** RFC 8707 §2: a `resource` that is malformed, unknown, or not one this client may ask for. */
export const invalidTarget = (description: string) => new OAuthError('invalid_target', description, 400);

/** RFC 6749 §4.1.2.1: an authorization request refused at the client's redirect URI. */
export const authorizationError = (code: OAuthErrorCode, description: string) => new OAuthError(code, description, 400);

/** RFC 7591 §3.2.2: a registration refused for one of its redirect URIs. */
export const invalidRedirectUri = (description: string) => new OAuthError('invalid_redirect_uri', description, 400);

/** RFC 7591 §3.2.2: a registration refused for any other metadata value. */
export const invalidClientMetadata = (description: string) =>
  new OAuthError('invalid_client_metadata', description, 400);

/** A dependency (event log, store, projection, peer service) cannot answer; the caller may retry. */
export const temporarilyUnavailable = (description: string, cause?: unknown) =>
  new OAuthError('temporarily_unavailable', description, 503, { cause, headers: { 'Retry-After': '1' } });

/** Anything unexpected: 500 with a fixed description; what happened stays in `cause`. */
export const serverError = (cause?: unknown) =>
  new OAuthError('server_error', SERVER_ERROR_DESCRIPTION, 500, { cause });

/**
 * An admin command the current state refuses: 400, 404 (no such thing), 409 (conflict) or 504
 * (recorded but not yet visible). Its description is written for the operator.
 */
export const commandRefused = (status: 400 | 404 | 409 | 504, description: string) =>
  new OAuthError('invalid_request', description, status, { expose: true });
