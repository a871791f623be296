import type { AccessTokenClaims } from '@grantline/lib-tokens';
import { tokenGrant } from '../access-token-check';
import { eventContext } from '../access-token-issuer';
import { jsonResponse, noStoreHeaders, type OAuthRequest, type OAuthResponse } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { asProtectedResource } from '../protected-resource-metadata';
import { insufficientScope, resourceCaller, type ResourceCaller } from '../resource-request';
import {
  createPersonalAccessToken,
  findOwnedPersonalAccessToken,
  findPersonalAccessToken,
  listPersonalAccessTokens,
  revokePersonalAccessToken,
} from './pat-commands';
import { createdView, type CreationRequest, type PersonalAccessTokenActor } from './pat-decisions';
import { PERSONAL_ACCESS_TOKENS_SCOPE, parseCreationInput, tokenIdSchema } from './pat-input';

const NOT_FOUND = { error: 'not_found' } as const;

const scopesOf = (claims: AccessTokenClaims) => claims.scope.split(' ').filter((scope) => scope !== '');

/** The user acting through the presented token; a personal access token names no client. */
const actorOf = (claims: AccessTokenClaims): PersonalAccessTokenActor => ({
  kind: 'user',
  userId: claims.sub,
  clientId: claims.pat ? null : claims.client_id,
});

/**
 * The caller of a personal access token request: a user's live access token (resource-request.ts).
 * A personal access token may manage personal access tokens only with the scope for it
 * (RFC 6750 §3.1, insufficient_scope); a user's access token from a client always may,
 * within its own scopes.
 */
async function managingCaller(context: OAuthContext, request: OAuthRequest): Promise<ResourceCaller> {
  const caller = await resourceCaller(context, request);
  if (caller.claims.pat && !scopesOf(caller.claims).includes(PERSONAL_ACCESS_TOKENS_SCOPE)) {
    throw insufficientScope(
      `Managing personal access tokens requires the ${PERSONAL_ACCESS_TOKENS_SCOPE} scope`,
      PERSONAL_ACCESS_TOKENS_SCOPE,
    );
  }
  return caller;
}

/**
 * Who may mint through this endpoint, and what the new token then depends on (0016):
 * - a first-party client's token: an independent token, as if made on Grantline's own pages;
 * - a third-party client's token: only with the personal-access-tokens scope, which the consent
 *   page names in plain words (else RFC 6750 §3.1, insufficient_scope); the new token ends
 *   with the grant it was minted through;
 * - a personal access token (already held to the scope): the new one keeps its grant, if any.
 * A DPoP-bound token mints a token bound to the same key (RFC 9449 §6), so minting never
 * turns a sender-constrained token into a bearer one.
 */
function mintingTerms({ claims, client }: ResourceCaller): Pick<CreationRequest, 'grant' | 'jkt'> {
  const jkt = claims.cnf === undefined ? {} : { jkt: claims.cnf.jkt };
  if (!claims.pat && client?.firstParty) return jkt;
  if (!claims.pat && !scopesOf(claims).includes(PERSONAL_ACCESS_TOKENS_SCOPE)) {
    throw insufficientScope(
      `Minting personal access tokens with a third-party app's token requires the ${PERSONAL_ACCESS_TOKENS_SCOPE} scope`,
      PERSONAL_ACCESS_TOKENS_SCOPE,
    );
  }
  const grant = tokenGrant(claims);
  return { ...jkt, ...(grant === undefined ? {} : { grant }) };
}

/**
 * POST /oauth/personal-access-tokens with JSON `{name, scopes, expires_in}`: 201 with the
 * token, shown this once. `expires_at` is an ISO 8601 time (UTC).
 */
export function createPersonalAccessTokenEndpoint(
  context: OAuthContext,
  request: OAuthRequest,
  body: unknown,
): Promise<OAuthResponse> {
  return asProtectedResource(context, () => createPersonalAccessTokenAnswer(context, request, body));
}

async function createPersonalAccessTokenAnswer(
  context: OAuthContext,
  request: OAuthRequest,
  body: unknown,
): Promise<OAuthResponse> {
  const caller = await managingCaller(context, request);
  const { claims, user } = caller;
  const terms = mintingTerms(caller);
  const input = parseCreationInput(body, context.settings.personalAccessTokens);
  const decision = await createPersonalAccessToken(context, eventContext(context, request), {
    userId: user.userId,
    input,
    presentedScopes: scopesOf(claims),
    ...(claims.pat ? { notAfter: claims.exp } : {}),
    actor: actorOf(claims),
    ...terms,
  });
  return jsonResponse(201, createdView(decision));
}

/** GET /oauth/personal-access-tokens: the caller's unexpired tokens, revoked ones marked; never values. */
export function listPersonalAccessTokensEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
  return asProtectedResource(context, async () => {
    const { user } = await managingCaller(context, request);
    return jsonResponse(200, { personal_access_tokens: await listPersonalAccessTokens(context, user.userId) });
  });
}

/**
 * DELETE /oauth/personal-access-tokens/{id}: 204 once revoked, also when it already was. A
 * token of another user, an expired one and an unknown id are all 404.
 */
export function revokePersonalAccessTokenEndpoint(
  context: OAuthContext,
  request: OAuthRequest,
  id: string,
): Promise<OAuthResponse> {
  return asProtectedResource(context, async () => {
    const { claims, user } = await managingCaller(context, request);
    const tokenId = tokenIdSchema.safeParse(id);
    const snapshot = tokenId.success ? await findOwnedPersonalAccessToken(context, tokenId.data, user.userId) : null;
    if (!snapshot) return jsonResponse(404, NOT_FOUND);
    await revokePersonalAccessToken(context, eventContext(context, request), snapshot, actorOf(claims));
    return { status: 204, headers: { ...noStoreHeaders }, body: undefined };
  });
}

/**
 * POST /oauth/revoke with a personal access token, by its holder (RFC 7009 §2.1): revoked as
 * a personal access token, so its user's list shows it. False when its record is not known
 * (yet), for the caller to revoke it as a plain access token instead.
 */
export async function revokePresentedPersonalAccessToken(
  context: OAuthContext,
  request: OAuthRequest,
  claims: AccessTokenClaims,
): Promise<boolean> {
  const snapshot = await findPersonalAccessToken(context.store, claims.jti);
  if (!snapshot || snapshot.userId !== claims.sub) return false;
  await revokePersonalAccessToken(context, eventContext(context, request), snapshot, actorOf(claims));
  return true;
}
