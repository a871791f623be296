/** A transport-neutral view of an HTTP request, so endpoint logic is testable without a server. */
export interface OAuthRequest {
  method: string;
  /** Header names lower-cased, as Node delivers them. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: string;
  /** The query string without `?`, when the endpoint reads it. */
  query?: string;
  /** The request path without the query (what a DPoP proof's `htu` names, after the issuer). */
  path?: string;
  remoteAddress: string;
  requestId: string;
  traceparent?: string;
}

/**
 * A body sent as it is, in its own media type, instead of as JSON: the signed introspection
 * answer of RFC 9701, for one.
 */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly text: string,
  ) {}
}

export interface OAuthResponse {
  status: number;
  headers: Record<string, string>;
  /** Written as JSON, unless it is a `RawBody`. */
  body: unknown;
  /** The web origins of the client the response concerns, for CORS; unset when no client is known. */
  allowedOrigins?: readonly string[];
}

export function header(request: OAuthRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** RFC 6749 §5.1: token responses (and anything carrying tokens) must not be cached. */
export const noStoreHeaders = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): OAuthResponse {
  return { status, headers: { ...noStoreHeaders, ...headers }, body };
}
