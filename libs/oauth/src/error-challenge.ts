import { OAuthError, type Challenge, type ChallengeScheme } from './errors';

export type { Challenge, ChallengeScheme } from './errors';

/** RFC 9449 §5.1: the algorithms a proof may be signed with; asymmetric only, never `none` or HMAC. */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA', 'RS256', 'PS256'] as const;

const REALM = 'realm="grantline"';
const ALGS = `algs="${DPOP_ALGORITHMS.join(' ')}"`;

/**
 * The `WWW-Authenticate` rendering of an error: RFC 6750 §3 for Bearer, RFC 9449 §7.1 for DPoP
 * (which names the accepted algorithms instead of a realm), and RFC 7617 Basic for a client that
 * tried HTTP Basic at the token endpoint (RFC 6749 §5.2). The error keeps everything else; the
 * JSON body and the header then say the same thing.
 */
export function withChallenge(error: OAuthError, challenge: Challenge): OAuthError {
  return new OAuthError(error.error, error.error_description, error.status, {
    ...error.options,
    wwwAuthenticate: challenge.schemes.map((scheme) => challengeOf(scheme, error, challenge)).join(', '),
    challenge,
  });
}

/**
 * RFC 9728 §5.1: the Bearer and DPoP challenges of a protected resource name where its metadata
 * is. Any other error is returned as it is.
 */
export function withResourceMetadata(error: OAuthError, url: string): OAuthError {
  const { challenge } = error.options;
  if (!challenge?.schemes.some((scheme) => scheme !== 'Basic')) return error;
  return withChallenge(error, { ...challenge, resourceMetadata: url });
}

function challengeOf(scheme: ChallengeScheme, error: OAuthError, challenge: Challenge): string {
  if (scheme === 'Basic') return `Basic ${REALM}, charset="UTF-8"`;
  const params = [
    ...(challenge.anonymous
      ? []
      : [
          `error="${error.error}"`,
          `error_description="${error.publicDescription}"`,
          ...(challenge.scope === undefined ? [] : [`scope="${challenge.scope}"`]),
        ]),
    ...(challenge.resourceMetadata === undefined ? [] : [`resource_metadata="${challenge.resourceMetadata}"`]),
  ];
  return scheme === 'DPoP' ? `DPoP ${[...params, ALGS].join(', ')}` : `Bearer ${[REALM, ...params].join(', ')}`;
}

/** RFC 6749 §5.2: 401, with a Basic challenge when the client tried the Authorization header. */
export function invalidClient(description: string, basicAttempted: boolean, detail?: string): OAuthError {
  const refused = new OAuthError('invalid_client', description, 401, { detail });
  return basicAttempted ? withChallenge(refused, { schemes: ['Basic'] }) : refused;
}
