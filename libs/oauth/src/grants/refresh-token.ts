import { z } from 'zod';
import { decideAccessToken } from '../access-token-issuer';
import { invalidGrant, invalidScope } from '../errors';
import { parseScope } from '../scopes';
import type { GrantHandler } from './grant-handler';
import { tokenResponse } from './token-response';
import { revokeGrant } from './grant-revocation';
import { decideRefreshToken } from './refresh-token-issuer';
import { openRefreshToken, sessionOfGrant } from './sealed-grants';
import { checkLiveness } from '../token-liveness';
import { refreshBinding } from './dpop-binding';
import { releaseClaims } from '../recording/recorder';
import { narrowGrantedResources, resourceUris, scopesForResources } from '../resources/resource-indicators';
import { rotatesRefreshTokens } from './refresh-rotation';
import { idTokenOfGrant } from '../openid/openid-grant';
import { requestedUserClaims } from '../openid/user-claims';

const params = z.object({
  refresh_token: z.string().min(1, 'refresh_token is required'),
  scope: z.string().optional(),
});

const INVALID_REFRESH = 'The refresh token is invalid, expired or revoked';

/**
 * RFC 6749 §6 with rotation on every use (OAuth 2.1 §4.3.1). Scopes may be narrowed for the
 * new access token, never widened; the grant keeps its scope. A rotated-out token presented
 * again revokes the grant, unless it comes within the client's grace period
 * (docs/decisions/0010-refresh-token-rotation.md). A confidential client registered not to
 * rotate uses its kept token again and again and gets no new one (decision 0046).
 */
export const refreshTokenGrant = {
  grantType: 'refresh_token',
  params,
  allowsPublicClients: true,
  async handle({ context, request, client, params: input, resources: requestedResources, dpop }) {
    const refresh = await openRefreshToken(context, input.refresh_token);
    if (!refresh || refresh.client_id !== client.client.clientId) throw invalidGrant(INVALID_REFRESH);
    const granted = refresh.scope === '' ? [] : refresh.scope.split(' ');
    const requested = parseScope(input.scope);
    const widened = (requested ?? []).filter((scope) => !granted.includes(scope));
    if (widened.length > 0) throw invalidScope(`The grant does not include: ${widened.join(' ')}`);
    // RFC 9449 §5: a bound refresh token needs a proof by its key; refused before anything is used.
    if (refresh.jkt !== undefined && dpop?.jkt !== refresh.jkt) {
      throw invalidGrant(INVALID_REFRESH, dpop ? 'DPoP key differs from the bound one' : 'DPoP proof missing');
    }
    // RFC 8707 §2.2: a token for some of the grant's resources; the grant itself keeps them all.
    const resources = await narrowGrantedResources(
      context.store,
      refresh.res ?? [],
      requestedResources,
      context.settings.accessTokenAudience,
    );

    const grant = { grantId: refresh.gid, clientId: refresh.client_id, expiresAt: refresh.gexp };
    const { liveness } = await checkLiveness(context, {
      clientId: refresh.client_id,
      user: {
        userId: refresh.sub,
        grantId: refresh.gid,
        since: refresh.gat,
        ...sessionOfGrant(refresh.scope, refresh.oidc),
      },
    });
    if (!liveness.live) {
      // The session's end did not know this grant yet: it ends now, for good (the end's mark expires).
      if (liveness.reason === 'session_ended') await revokeGrant(context, request, grant, { reason: 'session_ended' });
      throw invalidGrant(INVALID_REFRESH, liveness.reason);
    }
    const { user } = liveness;
    if (!user) throw invalidGrant(INVALID_REFRESH, 'user_inactive');

    const scopes = scopesForResources(requested ?? granted, resources);
    const accessToken = () =>
      decideAccessToken(context, request, {
        clientId: refresh.client_id,
        subject: refresh.sub,
        scopes,
        resources: resourceUris(resources),
        grantType: 'refresh_token',
        grantId: refresh.gid,
        ...(dpop ? { jkt: dpop.jkt } : {}),
        userinfoClaims: requestedUserClaims(refresh.oidc?.claims?.userinfo),
      });
    // OpenID Connect Core §12.2: a new ID token for the same person, with the original auth_time.
    const idToken = (access: { token: string }) =>
      idTokenOfGrant(context, {
        client: client.client,
        user,
        grantScope: refresh.scope,
        scopes,
        authTime: refresh.auth_time,
        oidc: refresh.oidc,
        accessToken: access.token,
      });
    // RFC 6749 §6: the server MAY issue a new refresh token; without one the client keeps its own.
    // Only a kept token skips the claim: one issued while the client rotated stays single-use.
    if (refresh.keep && !rotatesRefreshTokens(client.client)) {
      const access = await accessToken();
      return { events: [access.event], body: tokenResponse(access, undefined, await idToken(access)) };
    }

    const claim = await context.guards.claimRefreshToken(
      refresh.rid,
      refresh.exp,
      client.client.refreshTokens.gracePeriod,
    );
    if (claim.kind === 'reused') {
      await revokeGrant(context, request, grant, { reason: 'refresh_token_reuse', artifactId: refresh.rid });
      throw invalidGrant(INVALID_REFRESH, 'rotated refresh token presented again; grant revoked');
    }
    // Only a first presentation took the claim; within the grace period there is none to give back.
    const release = { guards: context.guards, keys: claim.kind === 'first' ? [refresh.rid] : [] };
    try {
      const access = await accessToken();
      const { rid, exp: _expiry, jkt: bound, keep: _kept, ...grantFields } = refresh;
      const binding = bound === undefined ? refreshBinding(client, dpop) : { jkt: bound };
      const next = await decideRefreshToken(
        context,
        request,
        client.client,
        { ...grantFields, ...binding },
        {
          previousId: rid,
          withinGracePeriod: claim.kind === 'grace',
        },
      );
      return {
        events: [next.event, access.event],
        body: tokenResponse(access, next, await idToken(access)),
        release,
      };
    } catch (error) {
      await releaseClaims(release);
      throw error;
    }
  },
} satisfies GrantHandler<typeof params>;
