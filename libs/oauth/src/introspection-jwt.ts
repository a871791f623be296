import { INTROSPECTION_JWT_MEDIA_TYPE, signIntrospectionResponse } from '@grantline/lib-tokens';
import type { AuthenticatedClient } from './client-authentication';
import { epochSeconds } from './clock';
import { header, noStoreHeaders, RawBody, type OAuthRequest, type OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';

const NAMES_JWT = /application\/token-introspection\+jwt/i;

/**
 * RFC 9701 §4: the caller asks for a signed answer with `Accept: application/token-introspection+jwt`.
 * Most callers send no Accept or a plain one, and pay for one header read and one search; only an
 * Accept that names the type is parsed. The signed answer wins unless it is refused (q=0) or
 * `application/json` is listed with a higher quality.
 */
export function asksForSignedAnswer(request: OAuthRequest): boolean {
  const accept = header(request, 'accept');
  if (accept === undefined || !NAMES_JWT.test(accept)) return false;
  const qualities = mediaRangeQualities(accept);
  const jwt = qualities.get(INTROSPECTION_JWT_MEDIA_TYPE) ?? 0;
  return jwt > 0 && jwt >= (qualities.get('application/json') ?? 0);
}

/** RFC 9110 §12.5.1: each media range of an Accept header with its quality (1 unless `q` says). */
function mediaRangeQualities(accept: string): Map<string, number> {
  const qualities = new Map<string, number>();
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim());
    const q = params.find((param) => /^q=/i.test(param));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    qualities.set(type.toLowerCase(), Number.isFinite(quality) ? quality : 0);
  }
  return qualities;
}

/**
 * RFC 9701 §5: the answer as a JWT from the issuer, for the client that authenticated (`aud`),
 * with the RFC 7662 answer in `token_introspection`. Only an authenticated caller gets one: the
 * JWT must name its audience, and signing is too dear to offer anyone who asks.
 */
export async function signedAnswer(
  context: Pick<OAuthContext, 'keys' | 'settings' | 'clock'>,
  caller: AuthenticatedClient,
  answer: Readonly<Record<string, unknown>>,
): Promise<OAuthResponse> {
  const jwt = await signIntrospectionResponse(context.keys, {
    iss: context.settings.issuer,
    aud: caller.client.clientId,
    iat: epochSeconds(context.clock),
    token_introspection: answer,
  });
  return { status: 200, headers: { ...noStoreHeaders }, body: new RawBody(INTROSPECTION_JWT_MEDIA_TYPE, jwt) };
}
