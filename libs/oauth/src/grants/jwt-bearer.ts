import { createHash } from 'node:crypto';
import { z } from 'zod';
import { JWT_BEARER_GRANT } from '@grantline/lib-events';
import { decideAccessToken } from '../access-token-issuer';
import { invalidClient } from '../error-challenge';
import { invalidGrant, invalidRequest, invalidTarget } from '../errors';
import { trustedIssuerOf, verifyAssertion } from '../jwt-bearer/assertion-check';
import { grantScopes, parseScope } from '../scopes';
import { resolveRequestedResources, resourceUris, scopesForResources } from '../resources/resource-indicators';
import type { GrantHandler } from './grant-handler';
import { tokenResponse } from './token-response';

const params = z.object({ assertion: z.string().min(1), scope: z.string().optional() });

/**
 * RFC 7523 §2.1: an access token for the subject of a trusted issuer's JWT, such as a
 * workload's projected service-account token, issued to the client the issuer's entry names.
 * Client authentication is optional (RFC 7521 §4.1). No refresh token: the workload presents a
 * fresh assertion instead, and the token never outlives the assertion (0045).
 */
export const jwtBearerGrant = {
  grantType: JWT_BEARER_GRANT,
  params,
  allowsPublicClients: true,
  async clientWithoutAuthentication(context, form) {
    const assertion = form.get('assertion');
    if (assertion === undefined) throw invalidRequest(`Invalid parameters for ${JWT_BEARER_GRANT}`, 'no assertion');
    const { entry } = trustedIssuerOf(context.trustedIssuers, assertion);
    if (entry.require_client_authentication) throw invalidClient('Client authentication is required', false);
    const client = await context.clients.find(entry.client_id);
    if (!client) throw invalidGrant('The assertion issuer is not trusted', `client ${entry.client_id} not registered`);
    return client;
  },
  async handle({ context, request, client, params: input, resources: requested, dpop }) {
    const audiences = [context.settings.issuer, `${context.settings.issuer}/oauth/token`];
    const assertion = await verifyAssertion(context, input.assertion, audiences);
    const { issuer } = assertion;
    if (issuer.client_id !== client.client.clientId) {
      throw invalidGrant('The assertion issuer is not trusted by this client', 'client mismatch');
    }
    if (issuer.require_client_authentication && client.method === 'none') {
      throw invalidClient('Client authentication is required', false);
    }
    const resources = await resolveRequestedResources(
      context.store,
      client.client,
      requested,
      context.settings.accessTokenAudience,
    );
    // RFC 8707 §2: a resource the issuer's entry does not allow is invalid_target.
    if (issuer.resources && resources.some((resource) => !issuer.resources?.includes(resource.uri))) {
      throw invalidTarget('The assertion issuer may not ask for this resource');
    }
    const allowed = client.client.scopes.filter((scope) => issuer.scopes?.includes(scope) ?? true);
    const scopes = scopesForResources(grantScopes(parseScope(input.scope), allowed), resources);

    const issued = await decideAccessToken(context, request, {
      clientId: client.client.clientId,
      subject: assertion.subject,
      scopes,
      resources: resourceUris(resources),
      grantType: JWT_BEARER_GRANT,
      notAfter: assertion.expiresAt,
      assertion: { issuer: issuer.issuer, claims: assertion.claims },
      ...(dpop ? { jkt: dpop.jkt } : {}),
    });
    const outcome = { events: [issued.event], body: tokenResponse(issued) };
    // RFC 7523 §3 item 7 lets a server accept each jti once; only where the entry asks for it,
    // since a projected service-account token is meant to be presented for its whole life.
    if (!issuer.require_jti_once || assertion.jti === undefined) return outcome;
    const key = singleUseKey(issuer.issuer, assertion.jti);
    if (!(await context.guards.claimOnce(key, assertion.expiresAt + issuer.clock_skew + 1))) {
      throw invalidGrant('The assertion was already used', 'jti replay');
    }
    return { ...outcome, release: { guards: context.guards, keys: [key] } };
  },
} satisfies GrantHandler<typeof params>;

/** The guard key of one issuer's `jti`, hashed: neither value reaches the guard store as written. */
function singleUseKey(issuer: string, jti: string): string {
  return `jwt-bearer:${createHash('sha256').update(`${issuer}\n${jti}`).digest('base64url')}`;
}
