import { stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord, UserRecord } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import { epochSeconds } from '../clock';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import type { CodePayload } from '../grants/sealed-grants';
import type { AuthorizationRequest } from './authorization-request';
import { redirectWith } from './redirect-uri';

export interface IssuedCode {
  event: GrantlineEvent;
  /** The client's redirect URI with `code`, `state` and `iss`. */
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
  sessionId?: string,
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
    code_challenge: authorization.codeChallenge,
    auth_time: authTime,
    gat: now,
    gexp: now + client.refreshTokens.absoluteTtl,
    ...(authorization.dpopJkt === undefined ? {} : { dpop_jkt: authorization.dpopJkt }),
    ...(authorization.resources.length === 0 ? {} : { res: authorization.resources.map((resource) => resource.uri) }),
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
        ...(authorization.clientDocument === undefined
          ? {}
          : { clientMetadataSha256: authorization.clientDocument.sha256 }),
        ...(sessionId === undefined ? {} : { sessionId }),
      },
    },
    eventContext(context, request),
  );
  const location = redirectWith(authorization.redirectUri, {
    code,
    state: authorization.state,
    iss: context.settings.issuer,
  });
  return { event, location };
}
