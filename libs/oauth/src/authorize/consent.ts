import { consentId, stampEvent, type GrantlineEvent } from '@grantline/lib-events';
import type { ClientRecord, ResourceRecord, UserRecord } from '@grantline/lib-projections';
import { eventContext } from '../access-token-issuer';
import type { OAuthRequest } from '../http-types';
import type { OAuthContext } from '../oauth-context';

/**
 * First-party clients skip consent; others need a remembered consent covering every scope.
 * Remembered consent does not name resources, so a request for resources (RFC 8707) is shown
 * to the person every time: a consent given for one API never silently covers another.
 */
export async function needsConsent(
  context: OAuthContext,
  client: ClientRecord,
  user: UserRecord,
  scopes: readonly string[],
  resources: readonly ResourceRecord[] = [],
): Promise<boolean> {
  if (client.firstParty) return false;
  if (resources.length > 0) return true;
  const remembered = await context.store.getConsent(user.userId, client.clientId);
  return remembered === null || scopes.some((scope) => !remembered.includes(scope));
}

/** Remembers the approved scopes, together with any approved before, for this user and client. */
export async function consentGranted(
  context: OAuthContext,
  request: OAuthRequest,
  client: ClientRecord,
  user: UserRecord,
  scopes: readonly string[],
): Promise<GrantlineEvent> {
  const before = (await context.store.getConsent(user.userId, client.clientId)) ?? [];
  const consent = { userId: user.userId, clientId: client.clientId };
  const { grantsRevokedBefore = 0 } = await context.store.read({ clientIds: [], consent });
  return stampEvent(
    {
      type: 'ConsentGranted',
      aggregate: { type: 'consent', id: consentId(user.userId, client.clientId) },
      data: {
        ...consent,
        scopes: [...new Set([...before, ...scopes])],
        ...(grantsRevokedBefore > 0 ? { revokesGrantsBefore: grantsRevokedBefore } : {}),
      },
    },
    eventContext(context, request),
  );
}
