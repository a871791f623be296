import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord, UserRecord } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import { epochSeconds } from '../clock';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import type { CodePayload, OpenIdGrant } from '../grants/sealed-grants';
import { isOpenIdScope } from '../openid/openid-grant';
import type { AuthorizationRequest } from './authorization-request';
import { authorizationResponse, redirectLocation, type AuthorizationResponse } from './authorization-response';

export interface IssuedCode {
  event: GrantlineEvent;
  /** `code`, `state` and `iss` for the client, in the response mode it asked for. */
  response: AuthorizationResponse;
  /** The query rendering of `response`: the client's redirect URI with the parameters. */
  location: string;
}

/**
 * Decides an authorization code that starts a new grant. The code is sealed and self-contained,
 * so it is redeemable on any token replica the moment the redirect happens; it lives at most
 * the configured code lifetime (60 s) and is bound to the client, redirect URI and challenge.
 */
export async function decideAuthorizationCode(
  context: OAuthContext,
  request: OAuthRequest,
  authorization: AuthorizationRequest,
  client: ClientRecord,
  user: UserRecord,
  authTime: number,
  /** The OpenID facts of the request and sign-in, sealed into the code when its scope includes `openid`. */
  openid?: OpenIdGrant,
): Promise<IssuedCode> {
  const now = epochSeconds(context.clock);
  const payload: CodePayload = {
    gid: context.ids.tokenId(),
    cid: context.ids.tokenId(),
    client_id: client.clientId,
    sub: user.userId,
    scope: authorization.scopes.join(' '),
    redirect_uri: authorization.redirectUri,
    redirect_uri_given: authorization.redirectUriGiven,
    ...(authorization.codeChallenge === undefined ? {} : { code_challenge: authorization.codeChallenge }),
    auth_time: authTime,
    gat: now,
    gexp: now + client.refreshTokens.absoluteTtl,
    ...(authorization.dpopJkt === undefined ? {} : { dpop_jkt: authorization.dpopJkt }),
    ...(authorization.resources.length === 0 ? {} : { res: authorization.resources.map((resource) => resource.uri) }),
    ...(isOpenIdScope(authorization.scopes) ? { oidc: openid ?? {} } : {}),
    exp: now + context.settings.authorizationCodeTtlSeconds,
  };
  const { exp, ...sealed } = payload;
  const code = await context.artifacts.seal('authorization-code', sealed, exp);
  const event = stampEvent(
    {
      type: 'AuthorizationCodeIssued',
      aggregate: { type: 'grant', id: payload.gid },
      data: {
        grantId: payload.gid,
        codeId: payload.cid,
        clientId: payload.client_id,
        userId: payload.sub,
        scope: payload.scope,
        redirectUri: payload.redirect_uri,
        expiresAt: exp,
        ...(payload.res === undefined ? {} : { resources: payload.res }),
        ...(openid?.sid === undefined ? {} : { sessionId: openid.sid }),
        ...(authorization.clientDocument === undefined
          ? {}
          : { clientMetadataSha256: authorization.clientDocument.sha256 }),
      },
    },
    eventContext(context, request),
  );
  const response = authorizationResponse(authorization, {
    code,
    state: authorization.state,
    iss: context.settings.issuer,
  });
  return { event, response, location: redirectLocation(response) };
}
