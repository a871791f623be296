import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { followAuthorization } from '@grantline/lib-testing';
import { ConsentRecordingBrowser } from './consent-recording-browser';
import type { GrantlineTestClient } from './oauth-test-client';
import { expectSeedFragment, seedCodeBlock } from './seed-document';

export const IOS_SECTION = '### iOS (Swift)';
const REDIRECT_URI = 'yourapp://oauth/callback';

/**
 * What the replay reproduces, as it stands in the seed's Swift source; the replay fails when the
 * seed no longer says so. (The seed writes Swift's interpolation `\(authServerUrl)` with a doubled
 * backslash, a quirk of the document; the replay takes it as the interpolation it means.)
 */
const REPLAYED = [
  'base64EncodedString()',
  '.replacingOccurrences(of: "=", with: "")',
  'SHA256.hash(data: challengeData)',
  'URLComponents(string: "\\\\(authServerUrl)/oauth/authorize")',
  'URLQueryItem(name: "redirect_uri", value: redirectUri)',
  'URLQueryItem(name: "scope", value: "read write")',
  'addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)',
  '"grant_type": "authorization_code"',
  '"grant_type": "refresh_token"',
  'request.setValue("Bearer \\\\(accessToken)", forHTTPHeaderField: "Authorization")',
  'let refreshToken: String',
];

/** Foundation's `Data.base64URLEncodedString()` of the seed: base64, URL alphabet, "=" removed. */
function base64UrlEncodedString(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '');
}

/** `CharacterSet.urlQueryAllowed`: what `addingPercentEncoding` leaves as it is. */
const URL_QUERY_ALLOWED = /[A-Za-z0-9!$&'()*+,\-./:;=?@_~]/;

function addingPercentEncodingUrlQueryAllowed(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) => {
      const char = String.fromCharCode(byte);
      return byte < 0x80 && URL_QUERY_ALLOWED.test(char)
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

/**
 * The seed's form body: a Swift Dictionary (its order is unspecified; here the reverse of the
 * source's) joined as `key=value` with each value encoded for `.urlQueryAllowed`, so `&`, `=`,
 * `+` and `/` in a value would go through unencoded.
 */
function seedFormBody(parameters: ReadonlyArray<readonly [string, string]>): string {
  return [...parameters]
    .reverse()
    .map(([key, value]) => `${key}=${addingPercentEncodingUrlQueryAllowed(value)}`)
    .join('&');
}

/**
 * `URLComponents.queryItems`: each name and value percent-encoded for the query component, which
 * leaves `:` and `/` (so the redirect URI travels as it is) and encodes the space as `%20`.
 */
function urlComponentsQuery(items: ReadonlyArray<readonly [string, string]>): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/%3A/g, ':').replace(/%2F/g, '/');
  return items.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}

/** `JSONDecoder().decode(TokenResponse.self, …)`: every field present with its Swift type, or it throws. */
function decodeTokenResponse(body: unknown): { accessToken: string; refreshToken: string } {
  const json = body as Record<string, unknown>;
  const types = {
    access_token: 'string',
    token_type: 'string',
    expires_in: 'number',
    refresh_token: 'string',
    scope: 'string',
  };
  for (const [key, type] of Object.entries(types)) {
    if (typeof json[key] !== type) throw new Error(`TokenResponse cannot decode ${key} from ${JSON.stringify(body)}`);
  }
  if (!Number.isInteger(json.expires_in)) throw new Error(`expires_in is not an Int: ${String(json.expires_in)}`);
  return { accessToken: String(json.access_token), refreshToken: String(json.refresh_token) };
}

async function postForm(url: string, body: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * A REPLAY of the seed's iOS OAuthManager (Swift cannot run here): the requests it makes, built as
 * its code builds them (URLComponents for the authorization URL, hand-joined form bodies), with
 * the person signing in and consenting where ASWebAuthenticationSession would show the pages, the
 * callback to its private-use scheme, the code exchange, a refresh and an API call.
 */
export async function checkSwiftOAuthManagerReplay(baseUrl: string, admin: GrantlineTestClient): Promise<void> {
  const swift = seedCodeBlock(IOS_SECTION, 'swift');
  for (const fragment of REPLAYED) expectSeedFragment(swift, fragment, IOS_SECTION);

  const person = { email: `ios-${randomUUID()}@example.test`, name: 'Iris Swift', password: 'correct horse battery' };
  const { user_id: userId } = await admin.registerUser(person);
  const { client_id: clientId } = await admin.registerClient({
    name: 'Field Notes for iPhone',
    public: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scopes: 'read write',
    redirect_uris: [REDIRECT_URI],
  });

  // generatePKCE() and the state, as the seed makes them.
  const verifier = base64UrlEncodedString(randomBytes(32));
  const challenge = base64UrlEncodedString(createHash('sha256').update(verifier, 'utf8').digest());
  const state = base64UrlEncodedString(randomBytes(16));
  const authorizationUrl =
    `${baseUrl}/oauth/authorize?` +
    urlComponentsQuery([
      ['response_type', 'code'],
      ['client_id', clientId],
      ['redirect_uri', REDIRECT_URI],
      ['code_challenge', challenge],
      ['code_challenge_method', 'S256'],
      ['scope', 'read write'],
      ['state', state],
    ]);
  expect(authorizationUrl).toContain(`redirect_uri=${REDIRECT_URI}&`);

  // ASWebAuthenticationSession: the person signs in and allows; the session ends at the app's scheme.
  const browser = new ConsentRecordingBrowser(baseUrl);
  const { callback, pages } = await followAuthorization(browser, authorizationUrl, person);
  expect(pages).toEqual(['sign-in', 'consent']);
  // RFC 8252: the person is told that an app on their device asks, and which scheme it opens.
  expect(browser.consentPages[0]).toContain('Field Notes for iPhone is an app on your device.');
  expect(browser.consentPages[0]).toContain('It receives the answer at yourapp: links');
  expect(callback.protocol).toBe('yourapp:');
  // handleCallback(url:expectedState:)
  const params = Object.fromEntries(callback.searchParams);
  expect(params.error).toBeUndefined();
  expect(params.state).toBe(state);
  const code = params.code ?? '';

  const exchanged = await postForm(
    `${baseUrl}/oauth/token`,
    seedFormBody([
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['client_id', clientId],
      ['redirect_uri', REDIRECT_URI],
      ['code_verifier', verifier],
    ]),
  );
  expect(exchanged.status).toBe(200);
  const tokens = decodeTokenResponse(await exchanged.json());

  // refreshAccessToken(): the public client's refresh token rotates, and TokenResponse needs the new one.
  const refreshed = await postForm(
    `${baseUrl}/oauth/token`,
    seedFormBody([
      ['grant_type', 'refresh_token'],
      ['refresh_token', tokens.refreshToken],
      ['client_id', clientId],
    ]),
  );
  expect(refreshed.status).toBe(200);
  const next = decodeTokenResponse(await refreshed.json());
  expect(next.refreshToken).not.toBe(tokens.refreshToken);

  // makeAuthenticatedRequest(url:): GET with the Bearer token and a JSON content type.
  const user = await fetch(`${baseUrl}/api/user`, {
    headers: { authorization: `Bearer ${next.accessToken}`, 'content-type': 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  expect(user.status).toBe(200);
  expect(await user.json()).toMatchObject({ id: userId, email: person.email });
}
