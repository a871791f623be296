import { stampEvent } from '@grantline/lib-events';
import { eventContext } from './access-token-issuer';
import { readTokenRequest } from './token-request';
import { revokeGrant } from './grants/grant-revocation';
import { openRefreshToken } from './grants/sealed-grants';
import { invalidRequest } from './errors';
import { jsonResponse, type OAuthRequest, type OAuthResponse } from './http-types';
import type { OAuthContext } from './oauth-context';
import { revokePresentedPersonalAccessToken } from './personal-access-tokens/pat-endpoints';
import { WRITE_THROUGH } from './recording/decision';
import { recordDecision } from './recording/recorder';

const REVOKED = jsonResponse(200, {});

/**
 * POST /oauth/revoke (RFC 7009). Holding a token is proof enough to revoke it; a client that
 * authenticates may revoke only tokens issued to it. Unknown tokens get 200 (§2.2).
 */
export async function revocationEndpoint(context: OAuthContext, request: OAuthRequest): Promise<OAuthResponse> {
  const { token, inspection, caller } = await readTokenRequest(context, request, { path: '/oauth/revoke' });
  const { claims } = inspection;
  if (!claims) return revokeRefreshToken(context, request, token, caller?.client.clientId ?? null);
  if (inspection.revoked) return REVOKED;
  // RFC 7009 §2.1: the server verifies the token was issued to the requesting client. A
  // personal access token was issued to its user, never to a client.
  if (caller && (claims.pat || caller.client.clientId !== claims.client_id)) {
    throw invalidRequest('The token was not issued to this client');
  }
  const holderStarted = performance.now();
  if (claims.pat && (await revokePresentedPersonalAccessToken(context, request, claims))) {
    context.metrics.revocationVisible((performance.now() - holderStarted) / 1000);
    return { ...REVOKED, allowedOrigins: [] };
  }

  const event = stampEvent(
    {
      type: 'AccessTokenRevoked',
      aggregate: { type: 'token', id: claims.jti },
      data: {
        jti: claims.jti,
        clientId: claims.client_id,
        expiresAt: claims.exp,
        revokedBy: caller?.client.clientId ?? null,
      },
    },
    eventContext(context, request),
  );
  const accepted = performance.now();
  // Read-your-writes: every introspection replica reads the revocation marker, so the token is
  // inactive everywhere before we answer. The projector writes the same marker from the log.
  await recordDecision(context, { events: [event], readOwnWrite: WRITE_THROUGH });
  context.metrics.revocationVisible((performance.now() - accepted) / 1000);
  return { ...REVOKED, allowedOrigins: inspection.tokenClientRecord?.webOrigins ?? [] };
}

/** Revoking a refresh token revokes its whole grant (RFC 7009 §2.1 lets the server do so). */
async function revokeRefreshToken(
  context: OAuthContext,
  request: OAuthRequest,
  token: string,
  callerId: string | null,
): Promise<OAuthResponse> {
  const refresh = await openRefreshToken(context, token);
  if (!refresh) return REVOKED;
  if (callerId !== null && callerId !== refresh.client_id)
    throw invalidRequest('The token was not issued to this client');
  const accepted = performance.now();
  await revokeGrant(
    context,
    request,
    { grantId: refresh.gid, clientId: refresh.client_id, expiresAt: refresh.gexp },
    { reason: 'refresh_token_revoked', revokedBy: callerId },
  );
  context.metrics.revocationVisible((performance.now() - accepted) / 1000);
  return REVOKED;
}
