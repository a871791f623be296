import type { KeyRing } from '@grantline/lib-tokens';
import type { DirectoryClient } from '../clients/client-directory';
import type { OAuthErrorCode } from '../errors';
import { parseClaimsRequest, type ClaimsRequest } from '../openid/claims-request';
import { verifyIdTokenHint, type IdTokenHint } from '../openid/id-token-hint';

/** OpenID Connect Core §3.1.2.1: what `prompt` may ask for; OAuth requests use it too. */
export const PROMPTS = ['none', 'login', 'consent', 'select_account'] as const;
export type Prompt = (typeof PROMPTS)[number];

/** The OpenID Connect parameters this endpoint reads besides the OAuth ones (Core §3.1.2.1). */
export const OPENID_PARAMETERS = [
  'nonce',
  'max_age',
  'login_hint',
  'id_token_hint',
  'acr_values',
  'claims',
  'display',
  'ui_locales',
  'claims_locales',
] as const;

/** What an authentication request (scope `openid`) asks of the sign-in, checked. */
export interface OpenIdRequest {
  nonce?: string;
  /** Seconds a sign-in may be old: the request's `max_age`, else the client's registered default. */
  maxAge?: number;
  /** Who the client expects to sign in; an email names a person, anything else only pre-fills. */
  loginHint?: string;
  /** The person an ID token we issued earlier names. */
  idTokenHint?: IdTokenHint;
  /** Core §3.1.2.1: voluntary; kept so the one level reached can be reported when asked about. */
  acrValues?: readonly string[];
  claims?: ClaimsRequest;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: OAuthErrorCode; description: string };

const refused = (
  error: OAuthErrorCode,
  description: string,
): { ok: false; error: OAuthErrorCode; description: string } => ({
  ok: false,
  error,
  description,
});

/** Core §3.1.2.1: a space-delimited set; `none` stands alone, and no value may be unknown. */
export function parsePrompt(given: string | null): Checked<readonly Prompt[]> {
  if (given === null) return { ok: true, value: [] };
  const values = given.split(' ').filter((value) => value !== '');
  const unknown = values.filter((value) => !(PROMPTS as readonly string[]).includes(value));
  if (unknown.length > 0) return refused('invalid_request', 'prompt may hold none, login, consent and select_account');
  const prompts = [...new Set(values)] as Prompt[];
  if (prompts.includes('none') && prompts.length > 1) {
    return refused('invalid_request', 'prompt=none cannot be combined with other values');
  }
  return { ok: true, value: prompts };
}

/** Core §3.1.2.1 `max_age`: a non-negative integer number of seconds. */
function parseMaxAge(given: string | null, client: DirectoryClient): Checked<number | undefined> {
  if (given === null) return { ok: true, value: client.openid.defaultMaxAge ?? undefined };
  if (!/^\d{1,10}$/.test(given)) return refused('invalid_request', 'max_age must be a non-negative integer');
  return { ok: true, value: Number(given) };
}

/**
 * The OpenID Connect parameters of a request whose scope includes `openid`, once the client and
 * its redirect URI are trusted (so every refusal goes to the client, Core §3.1.2.6).
 */
export async function checkOpenIdRequest(
  query: URLSearchParams,
  client: DirectoryClient,
  ports: { keys: KeyRing; issuer: string },
): Promise<Checked<OpenIdRequest>> {
  const maxAge = parseMaxAge(query.get('max_age'), client);
  if (!maxAge.ok) return maxAge;
  const claimsText = query.get('claims');
  const claims = claimsText === null ? undefined : parseClaimsRequest(claimsText);
  if (claims === null)
    return refused('invalid_request', 'claims must be a JSON object as OpenID Connect Core 5.5 says');
  const hintText = query.get('id_token_hint');
  const idTokenHint = hintText === null ? undefined : await verifyIdTokenHint(ports.keys, ports.issuer, hintText);
  if (idTokenHint === null) return refused('invalid_request', 'id_token_hint is not an ID token issued by this server');
  const nonce = query.get('nonce') ?? undefined;
  const loginHint = query.get('login_hint') || undefined;
  const acrValues = (query.get('acr_values') ?? '').split(' ').filter((value) => value !== '');
  return {
    ok: true,
    value: {
      ...(nonce === undefined ? {} : { nonce }),
      ...(maxAge.value === undefined ? {} : { maxAge: maxAge.value }),
      ...(loginHint === undefined ? {} : { loginHint }),
      ...(idTokenHint === undefined ? {} : { idTokenHint }),
      ...(acrValues.length === 0 ? {} : { acrValues }),
      ...(claims === undefined ? {} : { claims }),
    },
  };
}
