import { z } from 'zod';
import { decideAccessToken } from '../access-token-issuer';
import { grantScopes, parseScope } from '../scopes';
import { resolveRequestedResources, resourceUris, scopesForResources } from '../resources/resource-indicators';
import type { GrantHandler } from './grant-handler';
import { tokenResponse } from './token-response';

const params = z.object({ scope: z.string().optional() });

/** RFC 6749 §4.4; no refresh token (§4.4.3), and only for confidential clients. */
export const clientCredentialsGrant = {
  grantType: 'client_credentials',
  params,
  allowsPublicClients: false,
  async handle({ context, request, client, params: input, resources: requested, dpop }) {
    const resources = await resolveRequestedResources(
      context.store,
      client.client,
      requested,
      context.settings.accessTokenAudience,
    );
    const scopes = scopesForResources(grantScopes(parseScope(input.scope), client.client.scopes), resources);
    const issued = await decideAccessToken(context, request, {
      clientId: client.client.clientId,
      subject: client.client.clientId,
      scopes,
      resources: resourceUris(resources),
      grantType: 'client_credentials',
      ...(dpop ? { jkt: dpop.jkt } : {}),
    });
    return {
      events: [issued.event],
      body: tokenResponse(issued),
    };
  },
} satisfies GrantHandler<typeof params>;
