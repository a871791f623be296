import { stampEvent } from '@grantline/lib-events';
import { z } from 'zod';
import { decideAccessToken, eventContext } from '../access-token-issuer';
import { invalidGrant, invalidRequest } from '../errors';
import type { GrantHandler } from './grant-handler';
import { tokenResponse } from './token-response';
import { revokeGrant } from './grant-revocation';
import { isWellFormedVerifier, verifierMatches } from './pkce';
import { decideRefreshToken } from './refresh-token-issuer';
import { openCode, sessionOfGrant } from './sealed-grants';
import { checkLiveness } from '../token-liveness';
import { invalidDpopProof } from '../dpop/dpop-errors';
import { refreshBinding } from './dpop-binding';
import { releaseClaims } from '../recording/recorder';
import { narrowGrantedResources, resourceUris, scopesForResources } from '../resources/resource-indicators';
import { idTokenOfGrant, refreshFacts } from '../openid/openid-grant';
import { requestedUserClaims } from '../openid/user-claims';

const params = z.object({
  code: z.string().min(1, 'code is required'),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
});

const INVALID_CODE = 'The authorization code is invalid, expired or was issued to another client';

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636) as OAuth 2.1 requires. Everything is checked before the
 * code's single-use claim, so a wrong verifier or redirect URI changes nothing. A code presented
 * again revokes the grant it started, with every token issued from it.
 */
export const authorizationCodeGrant = {
  grantType: 'authorization_code',
  params,
  allowsPublicClients: true,
  async handle({ context, request, client, params: input, resources: requested, dpop }) {
    if (input.code_verifier !== undefined && !isWellFormedVerifier(input.code_verifier)) {
      throw invalidRequest('code_verifier is malformed (RFC 7636 §4.1)');
    }
    const code = await openCode(context, input.code);
    if (!code || code.client_id !== client.client.clientId) throw invalidGrant(INVALID_CODE);
    if ((code.redirect_uri_given || input.redirect_uri !== undefined) && input.redirect_uri !== code.redirect_uri) {
      throw invalidGrant('redirect_uri does not match the authorization request');
    }
    checkVerifier(input.code_verifier, code.code_challenge);
    // RFC 9449 §10: a code bound with dpop_jkt is redeemed only with a proof by that key.
    if (code.dpop_jkt !== undefined && dpop?.jkt !== code.dpop_jkt) {
      context.metrics.dpopProofFailed('key_mismatch');
      throw invalidDpopProof('The DPoP key is not the one the authorization request named (dpop_jkt)', 'token');
    }
    // RFC 8707 §2.2: the token may be for some of the consented resources, never for others.
    const resources = await narrowGrantedResources(
      context.store,
      code.res ?? [],
      requested,
      context.settings.accessTokenAudience,
    );

    const grant = { grantId: code.gid, clientId: code.client_id, expiresAt: code.gexp };
    const { liveness } = await checkLiveness(context, {
      clientId: code.client_id,
      user: { userId: code.sub, grantId: code.gid, since: code.gat, ...sessionOfGrant(code.scope, code.oidc) },
    });
    if (!liveness.live && liveness.reason === 'session_ended') {
      // Issued in the instant before the session ended, before the projection linked it to the session.
      await revokeGrant(context, request, grant, { reason: 'session_ended' });
      throw invalidGrant(INVALID_CODE, liveness.reason);
    }
    if (!liveness.live || !liveness.user) {
      if (!liveness.live && liveness.reason !== 'user_inactive') throw invalidGrant(INVALID_CODE, liveness.reason);
      throw invalidGrant('The user of this authorization is no longer active');
    }
    const { user } = liveness;
    if (!(await context.guards.claimOnce(`code:${code.cid}`, code.exp + 60))) {
      await revokeGrant(context, request, grant, { reason: 'code_reuse', artifactId: code.cid });
      throw invalidGrant(INVALID_CODE, 'authorization code presented again; grant revoked');
    }
    const release = { guards: context.guards, keys: [`code:${code.cid}`] };
    try {
      const scopes = scopesForResources(code.scope === '' ? [] : code.scope.split(' '), resources);
      const access = await decideAccessToken(context, request, {
        clientId: code.client_id,
        subject: code.sub,
        scopes,
        resources: resourceUris(resources),
        grantType: 'authorization_code',
        grantId: code.gid,
        ...(dpop ? { jkt: dpop.jkt } : {}),
        userinfoClaims: requestedUserClaims(code.oidc?.claims?.userinfo),
      });
      const redeemed = stampEvent(
        {
          type: 'AuthorizationCodeRedeemed',
          aggregate: { type: 'grant', id: code.gid },
          data: { grantId: code.gid, codeId: code.cid, clientId: code.client_id },
        },
        eventContext(context, request),
      );
      const refresh = client.client.grantTypes.includes('refresh_token')
        ? await decideRefreshToken(context, request, client.client, {
            gid: code.gid,
            client_id: code.client_id,
            sub: code.sub,
            scope: code.scope,
            auth_time: code.auth_time,
            gat: code.gat,
            gexp: code.gexp,
            ...(code.res === undefined ? {} : { res: code.res }),
            ...refreshFacts(code.oidc),
            ...refreshBinding(client, dpop),
          })
        : undefined;
      const idToken = await idTokenOfGrant(context, {
        client: client.client,
        user,
        grantScope: code.scope,
        scopes,
        authTime: code.auth_time,
        oidc: code.oidc,
        accessToken: access.token,
      });
      return {
        events: [redeemed, access.event, ...(refresh ? [refresh.event] : [])],
        body: tokenResponse(access, refresh, idToken),
        release,
      };
    } catch (error) {
      await releaseClaims(release);
      throw error;
    }
  },
} satisfies GrantHandler<typeof params>;

/**
 * RFC 7636 §4.6 for a code with a challenge. A code issued without one (a confidential client let
 * off PKCE) is refused when a verifier comes anyway: RFC 9700 §2.1.1's defence against a PKCE
 * downgrade, where an attacker strips the challenge from the request.
 */
function checkVerifier(verifier: string | undefined, challenge: string | undefined): void {
  if (challenge === undefined) {
    if (verifier !== undefined) throw invalidGrant('The authorization request had no code_challenge');
    return;
  }
  if (verifier === undefined) throw invalidRequest('code_verifier is required');
  if (!verifierMatches(verifier, challenge)) throw invalidGrant('code_verifier does not match the code_challenge');
}
