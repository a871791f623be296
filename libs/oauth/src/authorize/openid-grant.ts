import type { ClaimsRequest } from '../openid/claims-request';
import type { OpenIdGrant } from '../grants/sealed-grants';
import type { OpenIdRequest } from './openid-request';

/**
 * The one authentication context class Grantline reaches: a password sign-in at its own pages
 * (decision record 0048). Reported only to a client that asks about `acr`.
 */
export const PASSWORD_ACR = 'urn:grantline:acr:password';

/** What the browser session says about the sign-in a code is issued from. */
export interface SessionFacts {
  sid?: string;
  amr: readonly string[];
}

/**
 * What an OpenID Connect grant carries from its authentication request and the session into every
 * ID token: the nonce, the session, how the person signed in, and the claims asked for by name.
 */
export function openIdGrantOf(request: OpenIdRequest, session: SessionFacts): OpenIdGrant {
  const claims = request.claims;
  return {
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    ...(session.sid === undefined ? {} : { sid: session.sid }),
    amr: [...session.amr],
    ...(asksForAcr(request) ? { acr: PASSWORD_ACR } : {}),
    ...(claims === undefined ? {} : { claims: claimsKept(claims) }),
  };
}

/** Core §2 makes `acr` optional; a client that names acr_values or requests the claim hears it. */
function asksForAcr(request: OpenIdRequest): boolean {
  return (
    request.acrValues !== undefined ||
    request.claims?.id_token?.acr !== undefined ||
    request.claims?.userinfo?.acr !== undefined
  );
}

function claimsKept(claims: ClaimsRequest): NonNullable<OpenIdGrant['claims']> {
  return {
    ...(claims.id_token === undefined ? {} : { id_token: claims.id_token }),
    ...(claims.userinfo === undefined ? {} : { userinfo: claims.userinfo }),
  };
}
