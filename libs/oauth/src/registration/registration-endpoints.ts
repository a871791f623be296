import { z } from 'zod';
import type { ClientRecord } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import { invalidClientMetadata } from '../errors';
import { jsonResponse, noStoreHeaders, type OAuthRequest, type OAuthResponse } from '../http-types';
import type { OAuthContext } from '../oauth-context';
import { awaitingProjection } from '../recording/decision';
import { recordDecision } from '../recording/recorder';
import { clientInformation } from './client-information';
import { parseClientMetadata } from './client-metadata';
import {
  decideDeletion,
  decideRegistration,
  decideReplacement,
  type RegistrationDecision,
} from './registration-decisions';
import { admitOpenIdMetadata } from './openid-metadata';
import { admitMetadata, admitRegistrant } from './registration-policy';
import { matchesTokenHash, presentedBearerToken, refusedRegistrationToken } from './registration-token';

type RegistrationContext = OAuthContext;
type DynamicClient = ClientRecord & { registration: NonNullable<ClientRecord['registration']> };

/** POST /oauth/register (RFC 7591 §3): 201 with the client information, secrets shown this once. */
export async function registrationEndpoint(
  context: RegistrationContext,
  request: OAuthRequest,
  body: unknown,
): Promise<OAuthResponse> {
  const settings = context.settings.registration;
  await admitRegistrant(settings, context.guards, request);
  const metadata = parseClientMetadata(body);
  const admitted = admitMetadata(metadata, settings);
  const openid = await admitOpenIdMetadata(metadata, admitted, openIdEnvironment(context));
  const decision = await decideRegistration(
    metadata,
    { ...admitted, ...openid },
    context.ids,
    eventContext(context, request),
  );
  await record(context, decision);
  return jsonResponse(201, clientInformation(context.settings.issuer, decision.client, shownOnce(decision)));
}

/** GET /oauth/register/{client_id} (RFC 7592 §2.1). */
export async function readRegistrationEndpoint(
  context: RegistrationContext,
  request: OAuthRequest,
  clientId: string,
): Promise<OAuthResponse> {
  const client = await managedClient(context, request, clientId);
  return jsonResponse(200, clientInformation(context.settings.issuer, client));
}

/** The members of an update request besides the metadata (RFC 7592 §2.2). */
const replacementIdentity = z.object({ client_id: z.string(), client_secret: z.string().optional() });

/** PUT /oauth/register/{client_id} (RFC 7592 §2.2): the metadata replaced whole; a new registration access token. */
export async function replaceRegistrationEndpoint(
  context: RegistrationContext,
  request: OAuthRequest,
  clientId: string,
  body: unknown,
): Promise<OAuthResponse> {
  const client = await managedClient(context, request, clientId);
  const identity = replacementIdentity.safeParse(body);
  // RFC 7592 §2.2: the request MUST carry the client's current client_id.
  if (!identity.success || identity.data.client_id !== client.clientId) {
    throw invalidClientMetadata('client_id must be present and name this client');
  }
  const metadata = parseClientMetadata(body);
  const admitted = admitMetadata(metadata, context.settings.registration);
  const openid = await admitOpenIdMetadata(metadata, admitted, openIdEnvironment(context), client.openid);
  const decision = await decideReplacement(
    metadata,
    { ...admitted, ...openid },
    client,
    identity.data.client_secret,
    context.ids,
    eventContext(context, request),
  );
  await record(context, decision);
  return jsonResponse(200, clientInformation(context.settings.issuer, decision.client, shownOnce(decision)));
}

/** DELETE /oauth/register/{client_id} (RFC 7592 §2.3): 204, and the client's tokens end with it. */
export async function deleteRegistrationEndpoint(
  context: RegistrationContext,
  request: OAuthRequest,
  clientId: string,
): Promise<OAuthResponse> {
  const client = await managedClient(context, request, clientId);
  const event = decideDeletion(client.clientId, 'registration', eventContext(context, request));
  await recordDecision(
    context,
    awaitingProjection([event], {
      read: () => context.store.getClient(client.clientId),
      until: (found) => found === null,
    }),
  );
  return { status: 204, headers: { ...noStoreHeaders }, body: undefined };
}

/**
 * RFC 7592 §2: the client a registration access token manages. An unknown client, one an
 * operator made and a wrong token all get the same 401, so nothing tells them apart.
 */
async function managedClient(
  context: RegistrationContext,
  request: OAuthRequest,
  clientId: string,
): Promise<DynamicClient> {
  const token = presentedBearerToken(request);
  const client = await context.store.getClient(clientId);
  if (!client?.registration || !matchesTokenHash(token, client.registration.accessTokenHash)) {
    throw refusedRegistrationToken();
  }
  return client as DynamicClient;
}

/**
 * Records the decision and answers once this replica's projection shows the client, so its
 * credentials work at once; if the projection is slow the answer goes out anyway.
 */
async function record(context: RegistrationContext, decision: RegistrationDecision): Promise<void> {
  const expected = decision.client.registration?.accessTokenHash;
  await recordDecision(
    context,
    awaitingProjection([decision.event], {
      read: () => context.store.getClient(decision.client.clientId),
      until: (client) => client?.registration?.accessTokenHash === expected,
    }),
  );
}

/** What a client's OpenID Connect settings are checked against, and how a sector document is fetched. */
function openIdEnvironment(context: RegistrationContext) {
  return {
    algorithms: context.keys.algorithms(),
    pairwiseSalt: context.settings.openid.pairwiseSalt,
    fetcher: context.fetcher,
  };
}

function shownOnce(decision: RegistrationDecision) {
  return {
    ...(decision.registrationAccessToken === undefined
      ? {}
      : { registrationAccessToken: decision.registrationAccessToken }),
    ...(decision.clientSecret === undefined ? {} : { clientSecret: decision.clientSecret }),
  };
}
