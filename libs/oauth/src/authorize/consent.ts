import { consentId, stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord, ResourceRecord, UserRecord } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';

/**
 * First-party clients skip consent; others need a remembered consent covering every scope and
 * every resource (RFC 8707) asked for: approving one API never covers another.
 */
export async function needsConsent(
  context: OAuthContext,
  client: ClientRecord,
  user: UserRecord,
  scopes: readonly string[],
  resources: readonly ResourceRecord[] = [],
): Promise<boolean> {
  if (client.firstParty) return false;
  const [remembered, rememberedResources] = await Promise.all([
    context.store.getConsent(user.userId, client.clientId),
    consentedResources(context, user, client),
  ]);
  if (remembered === null || scopes.some((scope) => !remembered.includes(scope))) return true;
  return resources.some((resource) => !rememberedResources.includes(resource.uri));
}

/** The resources a user's remembered consent for a client covers. */
async function consentedResources(context: OAuthContext, user: UserRecord, client: ClientRecord): Promise<string[]> {
  const record = await context.store.getRecord('consent-resources', consentId(user.userId, client.clientId));
  return Array.isArray(record) ? record.filter((uri): uri is string => typeof uri === 'string') : [];
}

/**
 * Remembers the approved scopes and resources, together with any approved before, for this
 * user and client.
 */
export async function consentGranted(
  context: OAuthContext,
  request: OAuthRequest,
  client: ClientRecord,
  user: UserRecord,
  scopes: readonly string[],
  resources: readonly ResourceRecord[] = [],
): Promise<GrantlineEvent> {
  const [before, resourcesBefore] = await Promise.all([
    context.store.getConsent(user.userId, client.clientId),
    consentedResources(context, user, client),
  ]);
  const consent = { userId: user.userId, clientId: client.clientId };
  const { grantsRevokedBefore = 0 } = await context.store.read({ clientIds: [], consent });
  const approvedResources = [...new Set([...resourcesBefore, ...resources.map((resource) => resource.uri)])];
  return stampEvent(
    {
      type: 'ConsentGranted',
      aggregate: { type: 'consent', id: consentId(user.userId, client.clientId) },
      data: {
        ...consent,
        scopes: [...new Set([...(before ?? []), ...scopes])],
        ...(approvedResources.length > 0 ? { resources: approvedResources } : {}),
        ...(grantsRevokedBefore > 0 ? { revokesGrantsBefore: grantsRevokedBefore } : {}),
      },
    },
    eventContext(context, request),
  );
}
