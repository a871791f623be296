import { invalidRequest } from '../errors';
import { withChallenge } from '../error-challenge';
import { header, jsonResponse, type OAuthRequest, type OAuthResponse } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { asProtectedResource } from '../protected-resource-metadata';
import { insufficientScope, resourceCaller } from '../resource-request';
import { isOpenIdScope, OPENID_SCOPE } from './openid-grant';
import { openIdSubject } from './subject';
import { userClaims } from './user-claims';

/**
 * GET and POST /userinfo (OpenID Connect Core §5.3): the claims about the person behind an access
 * token of an OpenID Connect grant, as plain JSON. The `sub` is the one the client's ID tokens
 * carry (pairwise for a pairwise client); the claims are those of the token's scopes and those
 * the authentication request asked UserInfo for one by one (the token's `uic`).
 */
export function openIdUserInfoEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
  return asProtectedResource(context, async () => {
    const { claims, user, client } = await resourceCaller(context, withBodyToken(request));
    const scopes = claims.scope === '' ? [] : claims.scope.split(' ');
    // Core §5.3.3 and RFC 6750 §3.1: a token without `openid` may not read UserInfo.
    if (!isOpenIdScope(scopes)) throw insufficientScope('The access token lacks the openid scope', OPENID_SCOPE);
    // A personal access token minted without a client answers with the user id (a public subject).
    const sub = client ? openIdSubject(client, user.userId, context.settings.openid.pairwiseSalt) : user.userId;
    return {
      ...jsonResponse(200, { sub, ...userClaims(user, scopes, claims.uic ?? []) }),
      allowedOrigins: client?.webOrigins ?? [],
    };
  });
}

/**
 * RFC 6750 §2.2: a POST may carry the token as the form parameter `access_token` instead of in
 * the Authorization header; it is read as a Bearer token. A request using both methods is
 * refused (RFC 6750 §2).
 */
function withBodyToken(request: OAuthRequest): OAuthRequest {
  if (request.method !== 'POST') return request;
  const mediaType = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') return request;
  const tokens = new URLSearchParams(request.body).getAll('access_token');
  if (tokens.length === 0) return request;
  if (tokens.length > 1 || header(request, 'authorization') !== undefined) {
    throw withChallenge(invalidRequest('Send the access token one way only (RFC 6750 §2)'), { schemes: ['Bearer'] });
  }
  return { ...request, headers: { ...request.headers, authorization: `Bearer ${tokens[0]}` } };
}
