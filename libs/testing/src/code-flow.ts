import { FormBrowser, pkcePair } from './form-browser';

export interface PersonAtTheBrowser {
  email: string;
  password: string;
  /** Consent decision when the consent page is shown; default approve. */
  decision?: 'approve' | 'deny';
}

export interface AuthorizeOptions extends PersonAtTheBrowser {
  clientId: string;
  redirectUri: string;
  scope?: string;
  state?: string;
  extra?: Record<string, string>;
}

export interface AuthorizeResult {
  /** Where the server finally sent the browser (the client's redirect URI with its parameters). */
  callback: URL;
  verifier: string;
  /** Which pages were shown on the way. */
  pages: Array<'sign-in' | 'consent'>;
}

/** Runs the authorization request through sign-in and consent, as a person with a browser would. */
export async function authorize(browser: FormBrowser, options: AuthorizeOptions): Promise<AuthorizeResult> {
  const { verifier, challenge } = pkcePair();
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: options.scope ?? 'read',
    state: options.state ?? 'state-123',
    ...options.extra,
  });
  return { ...(await followAuthorization(browser, `/oauth/authorize?${query}`, options)), verifier };
}

/**
 * Follows an authorization request URL, whoever built it, through sign-in and consent as a
 * person with a browser would, to the redirect back to the client.
 */
export async function followAuthorization(
  browser: FormBrowser,
  authorizationUrl: string,
  person: PersonAtTheBrowser,
): Promise<Omit<AuthorizeResult, 'verifier'>> {
  const pages: AuthorizeResult['pages'] = [];
  let response = await browser.get(authorizationUrl);
  for (let step = 0; step < 4; step += 1) {
    if (response.status === 302 || response.status === 303) {
      const location = new URL(response.headers.get('location') ?? '', browser.baseUrl);
      if (location.pathname !== '/oauth/authorize') return { callback: location, pages };
      response = await browser.get(location.toString());
      continue;
    }
    const html = await response.text();
    if (response.status !== 200)
      throw new Error(`authorization step answered ${response.status}: ${visibleText(html)}`);
    if (html.includes('name="password"')) {
      pages.push('sign-in');
      response = await browser.submit(html, { email: person.email, password: person.password });
    } else if (html.includes('name="decision"')) {
      pages.push('consent');
      response = await browser.submit(html, { decision: person.decision ?? 'approve' });
    } else {
      throw new Error(`unexpected page: ${html.slice(0, 300)}`);
    }
  }
  throw new Error('the authorization did not finish');
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

/** POSTs a token request and returns status and JSON. */
export async function tokenRequest(
  baseUrl: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    headers: response.headers,
  };
}

export function codeOf(result: AuthorizeResult): string {
  const code = result.callback.searchParams.get('code');
  if (!code) throw new Error(`no code in ${result.callback.toString()}`);
  return code;
}

/** The token request that redeems an authorization's code, as a public client sends it. */
export function codeExchange(
  result: AuthorizeResult,
  client: { clientId: string; redirectUri: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    grant_type: 'authorization_code',
    code: codeOf(result),
    redirect_uri: client.redirectUri,
    client_id: client.clientId,
    code_verifier: result.verifier,
    ...extra,
  };
}

/** Authorizes and redeems the code: the whole flow, returning the tokens. */
export async function obtainTokens(
  browser: FormBrowser,
  options: AuthorizeOptions & { clientSecret?: string },
): Promise<TokenSet> {
  const result = await authorize(browser, options);
  const { status, body } = await tokenRequest(
    browser.baseUrl,
    codeExchange(result, options, options.clientSecret ? { client_secret: options.clientSecret } : {}),
  );
  if (status !== 200) throw new Error(`code exchange failed: ${status} ${JSON.stringify(body)}`);
  return body as unknown as TokenSet;
}

export function refresh(baseUrl: string, clientId: string, refreshToken: string, extra: Record<string, string> = {}) {
  return tokenRequest(baseUrl, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
    ...extra,
  });
}

/** The page's text without markup or styles, for error messages. */
function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 400);
}
