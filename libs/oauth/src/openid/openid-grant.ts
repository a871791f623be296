import type { OAuthContext } from '../oauth-context';
import { mintIdToken, type IdTokenGrant } from './id-token';
import type { OpenIdGrant } from '../grants/sealed-grants';

/** OpenID Connect Core §3.1.2.1: a request is an OpenID Connect one when its scope includes `openid`. */
export const OPENID_SCOPE = 'openid';

export function isOpenIdScope(scopes: readonly string[]): boolean {
  return scopes.includes(OPENID_SCOPE);
}

/**
 * The OpenID facts a grant carries on to its refresh tokens: everything but the nonce, which
 * belongs to the code's redemption alone (Core §12.2).
 */
export function refreshFacts(oidc: OpenIdGrant | undefined): { oidc?: Omit<OpenIdGrant, 'nonce'> } {
  if (oidc === undefined) return {};
  const { nonce: _nonce, ...kept } = oidc;
  return { oidc: kept };
}

/**
 * The ID token of a token response when its grant is an OpenID Connect one (the grant's scope,
 * not the narrowed one of this access token, decides); undefined otherwise. A grant sealed before
 * it carried OpenID facts gets an ID token with what the grant does carry.
 */
export async function idTokenOfGrant(
  context: Pick<OAuthContext, 'settings' | 'keys' | 'clock'>,
  grant: Omit<IdTokenGrant, 'oidc'> & { grantScope: string; oidc: OpenIdGrant | undefined },
): Promise<string | undefined> {
  if (!isOpenIdScope(grant.grantScope.split(' '))) return undefined;
  const { grantScope: _scope, ...minted } = grant;
  return mintIdToken(context, { ...minted, oidc: grant.oidc ?? {} });
}
