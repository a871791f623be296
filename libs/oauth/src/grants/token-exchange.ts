import { z } from 'zod';
import { TOKEN_EXCHANGE_GRANT } from '@grantline/lib-events';
import { decideAccessToken } from '../access-token-issuer';
import { invalidGrant, invalidScope } from '../errors';
import { grantScopes, parseScope } from '../scopes';
import { resolveRequestedResources, resourceUris, scopesForResources } from '../resources/resource-indicators';
import { ACCESS_TOKEN_TYPE, activeTokenClaims, checkTokenTypes, exchangeLink } from './exchange-tokens';
import type { GrantHandler } from './grant-handler';
import { tokenResponse } from './token-response';

const params = z.object({
  subject_token: z.string().min(1),
  subject_token_type: z.string().min(1),
  actor_token: z.string().min(1).optional(),
  actor_token_type: z.string().min(1).optional(),
  requested_token_type: z.string().min(1).optional(),
  /** RFC 8693 §2.1: the logical name of the target; here, a registered resource's identifier. */
  audience: z.string().min(1).optional(),
  scope: z.string().optional(),
});

/**
 * RFC 8693: an access token for another of ours (the subject token), for a client the operator
 * allowed this grant, and for resources that client may ask for. Never wider than the subject:
 * its scopes at most, its expiry at most, and ended with it (0038). No refresh token.
 */
export const tokenExchangeGrant = {
  grantType: TOKEN_EXCHANGE_GRANT,
  params,
  allowsPublicClients: false,
  async handle({ context, request, client, params: input, resources: requested, dpop }) {
    checkTokenTypes(input);
    const subject = await activeTokenClaims(context, input.subject_token, 'subject');
    const actor =
      input.actor_token === undefined ? undefined : await activeTokenClaims(context, input.actor_token, 'actor');
    const link = exchangeLink(subject, actor);
    // RFC 9449: a sender-constrained token is exchanged only for a sender-constrained one.
    if (subject.cnf && !dpop) throw invalidGrant('A DPoP-bound subject token needs a DPoP proof to be exchanged');

    const resources = await resolveRequestedResources(
      context.store,
      client.client,
      input.audience === undefined ? requested : [...requested, input.audience],
      context.settings.accessTokenAudience,
    );
    const held = parseScope(subject.scope) ?? [];
    const allowed = held.filter((scope) => client.client.scopes.includes(scope));
    const scopes = scopesForResources(grantScopes(parseScope(input.scope), allowed), resources);
    if (scopes.length === 0 && held.length > 0) {
      throw invalidScope('No scope of the subject token applies to what was asked for');
    }

    const issued = await decideAccessToken(context, request, {
      clientId: client.client.clientId,
      subject: subject.sub,
      scopes,
      resources: resourceUris(resources),
      grantType: TOKEN_EXCHANGE_GRANT,
      ...(subject.gid === undefined || link.grantClientId === undefined ? {} : { grantId: subject.gid }),
      ...(dpop ? { jkt: dpop.jkt } : {}),
      exchange: link,
    });
    // RFC 8693 §2.2.1: the answer names what was issued; no refresh token.
    return { events: [issued.event], body: { ...tokenResponse(issued), issued_token_type: ACCESS_TOKEN_TYPE } };
  },
} satisfies GrantHandler<typeof params>;
