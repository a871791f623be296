import { EventLogUnavailableError } from '@grantline/lib-event-log';
import { invalidClient, withChallenge, withResourceMetadata, type Challenge } from './error-challenge';
import { adminErrorBody, errorResponse } from './error-json';
import { toOAuthError } from './error-mapping';
import { errorPage } from './error-page';
import { errorRedirect } from './error-redirect';
import { authorizationError, commandRefused, invalidGrant, invalidRequest, OAuthError, serverError } from './errors';

const unavailable = toOAuthError(new EventLogUnavailableError('broker down'));
const unexpected = serverError(new Error('boom'));

describe('the JSON body (RFC 6749 §5.2)', () => {
  it.each<[string, OAuthError, number, Record<string, unknown>, Record<string, string>]>([
    [
      'a refused grant',
      invalidGrant('code already used', 'grant 42 replayed'),
      400,
      { error: 'invalid_grant', error_description: 'code already used' },
      {},
    ],
    [
      'an unavailable dependency',
      unavailable,
      503,
      { error: 'temporarily_unavailable', error_description: unavailable.publicDescription },
      { 'Retry-After': '1' },
    ],
    [
      'an unexpected failure',
      unexpected,
      500,
      { error: 'server_error', error_description: 'The server encountered an unexpected condition' },
      {},
    ],
    [
      'a failed Basic attempt',
      invalidClient('Client authentication failed', true),
      401,
      { error: 'invalid_client', error_description: 'Client authentication failed' },
      { 'WWW-Authenticate': 'Basic realm="grantline", charset="UTF-8"' },
    ],
  ])('renders %s', (_name, error, status, body, headers) => {
    const response = errorResponse(error);
    expect(response).toEqual({
      status,
      body,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
    });
    expect(JSON.stringify(response)).not.toContain('grant 42');
  });
});

describe('the admin API body', () => {
  it.each<[string, OAuthError, Record<string, unknown>]>([
    [
      'a refused command',
      commandRefused(409, 'client c1 already exists'),
      { error: 'invalid_request', message: 'client c1 already exists' },
    ],
    [
      'a change not yet visible',
      commandRefused(504, 'retry the read'),
      { error: 'invalid_request', message: 'retry the read' },
    ],
    [
      'a refused body',
      new OAuthError('invalid_request', 'The request body is invalid', 400, { issues: ['name: required'] }),
      { error: 'invalid_request', issues: ['name: required'] },
    ],
    ['an unavailable dependency', unavailable, { error: 'temporarily_unavailable' }],
    ['an unexpected failure', unexpected, { error: 'server_error' }],
  ])('renders %s', (_name, error, body) => {
    expect(adminErrorBody(error)).toEqual(body);
  });
});

describe('the redirect (RFC 6749 §4.1.2.1, RFC 9207)', () => {
  it.each<[string, OAuthError, string | undefined, Record<string, string>]>([
    [
      'a refusal with state',
      authorizationError('login_required', 'The user is not signed in'),
      'xyz',
      { error: 'login_required', error_description: 'The user is not signed in', state: 'xyz' },
    ],
    [
      'a refusal without state',
      authorizationError('access_denied', 'denied'),
      undefined,
      { error: 'access_denied', error_description: 'denied' },
    ],
    [
      'an unavailable dependency',
      unavailable,
      's',
      { error: 'temporarily_unavailable', error_description: unavailable.publicDescription, state: 's' },
    ],
  ])('renders %s', (_name, error, state, params) => {
    const location = new URL(
      errorRedirect(
        'https://issuer.test',
        { redirectUri: 'https://app.test/cb?keep=1', ...(state === undefined ? {} : { state }) },
        error,
      ),
    );
    expect(location.origin + location.pathname).toBe('https://app.test/cb');
    expect(Object.fromEntries(location.searchParams)).toEqual({ keep: '1', ...params, iss: 'https://issuer.test' });
  });
});

describe('WWW-Authenticate (RFC 6750 §3, RFC 9449 §7.1)', () => {
  const ALGS = 'algs="ES256 EdDSA RS256 PS256"';
  it.each<[string, OAuthError, Challenge, string]>([
    [
      'a Bearer refusal',
      new OAuthError('invalid_token', 'expired', 401),
      { schemes: ['Bearer'] },
      'Bearer realm="grantline", error="invalid_token", error_description="expired"',
    ],
    [
      'a DPoP refusal',
      new OAuthError('invalid_dpop_proof', 'bad proof', 401),
      { schemes: ['DPoP'] },
      `DPoP error="invalid_dpop_proof", error_description="bad proof", ${ALGS}`,
    ],
    [
      'a missing scope',
      new OAuthError('insufficient_scope', 'needs more', 403),
      { schemes: ['Bearer'], scope: 'tokens' },
      'Bearer realm="grantline", error="insufficient_scope", error_description="needs more", scope="tokens"',
    ],
    [
      'a request without credentials',
      new OAuthError('invalid_token', 'A token is required', 401),
      { schemes: ['Bearer', 'DPoP'], anonymous: true },
      `Bearer realm="grantline", DPoP ${ALGS}`,
    ],
  ])('renders %s', (_name, error, challenge, header) => {
    const challenged = withChallenge(error, challenge);
    expect(errorResponse(challenged).headers['WWW-Authenticate']).toBe(header);
    expect(challenged).toMatchObject({ error: error.error, status: error.status });
  });

  const METADATA = 'https://issuer.test/.well-known/oauth-protected-resource';
  it.each<[string, OAuthError, string | undefined]>([
    [
      'a refused Bearer token',
      withChallenge(new OAuthError('invalid_token', 'expired', 401), { schemes: ['Bearer'] }),
      `Bearer realm="grantline", error="invalid_token", error_description="expired", resource_metadata="${METADATA}"`,
    ],
    [
      'a request without credentials',
      withChallenge(new OAuthError('invalid_token', 'A token is required', 401), {
        schemes: ['Bearer', 'DPoP'],
        anonymous: true,
      }),
      `Bearer realm="grantline", resource_metadata="${METADATA}", DPoP resource_metadata="${METADATA}", ${ALGS}`,
    ],
    [
      'a DPoP refusal',
      withChallenge(new OAuthError('use_dpop_nonce', 'nonce', 401), { schemes: ['DPoP'] }),
      `DPoP error="use_dpop_nonce", error_description="nonce", resource_metadata="${METADATA}", ${ALGS}`,
    ],
    [
      'a Basic challenge, which is not a resource',
      invalidClient('bad secret', true),
      'Basic realm="grantline", charset="UTF-8"',
    ],
    ['an error without a challenge', new OAuthError('invalid_request', 'bad', 400), undefined],
  ])('names the protected resource metadata in %s (RFC 9728 §5.1)', (_name, error, header) => {
    const named = withResourceMetadata(error, METADATA);
    expect(errorResponse(named).headers['WWW-Authenticate']).toBe(header);
    expect(named).toMatchObject({ error: error.error, status: error.status });
  });
});

describe('the page', () => {
  const view = { title: 'Sign-in is temporarily unavailable', message: 'Try again in a moment.' };
  it.each<[string, OAuthError, { status: number; title: string; message: string }]>([
    ['an unavailable dependency', unavailable, { status: 503, ...view }],
    [
      'an unexpected failure',
      unexpected,
      {
        status: 500,
        title: 'Something went wrong',
        message: 'The server could not complete this step. Please try again later.',
      },
    ],
    [
      'a refused request',
      invalidGrant('That code has expired'),
      { status: 400, title: 'This request cannot be completed', message: 'That code has expired' },
    ],
  ])('renders %s', (_name, error, page) => {
    expect(errorPage(error, view)).toEqual(page);
  });
});

describe('error_description keeps to the characters RFC 6749 §5.2 allows', () => {
  // %x20-21 / %x23-5B / %x5D-7E: printable ASCII without the double quote and the backslash.
  const ALLOWED = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
  const echoed = invalidRequest(`Parameter '\u001d"\\\té\u{1f600}' is repeated`);

  it('shows anything else as ?, in every rendering that carries it', () => {
    expect(echoed.publicDescription).toBe("Parameter '?'????' is repeated");
    expect(errorResponse(echoed).body).toEqual({
      error: 'invalid_request',
      error_description: echoed.publicDescription,
    });
    const header = errorResponse(withChallenge(echoed, { schemes: ['Bearer'] })).headers['WWW-Authenticate'];
    expect(header).toBe(
      `Bearer realm="grantline", error="invalid_request", error_description="Parameter '?'????' is repeated"`,
    );
  });

  it('holds for every description the protocol code writes itself', () => {
    expect(invalidRequest('code_verifier is malformed (RFC 7636 §4.1)').publicDescription).toBe(
      'code_verifier is malformed (RFC 7636 section 4.1)',
    );
    expect(serverError(new Error('boom')).publicDescription).toMatch(ALLOWED);
  });
});
