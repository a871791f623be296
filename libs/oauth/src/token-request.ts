import type { ClientRecord } from '@grantline/lib-projections';
import { inspectToken, type TokenInspection } from './access-token-check';
import {
  presentedCredentials,
  verifyClientCredentials,
  type AuthenticatedClient,
  type AuthenticationSite,
  type PresentedCredentials,
} from './client-authentication';
import { invalidRequest } from './errors';
import { parseForm } from './form';
import type { OAuthRequest } from './http-types';
import type { OAuthContext } from './oauth-context';

/**
 * The shared first steps of introspection and revocation: the form, the `token` parameter,
 * the token's state and the caller's authentication, read in one round trip.
 */
export async function readTokenRequest(
  context: OAuthContext,
  request: OAuthRequest,
  site: AuthenticationSite,
): Promise<{ token: string; inspection: TokenInspection; caller: AuthenticatedClient | null }> {
  const form = parseForm(request);
  const token = form.get('token');
  if (token === undefined) throw invalidRequest('token is required');
  const credentials = presentedCredentials(request, form);
  const inspection = await inspectToken(context, token, credentials?.clientId);
  // A caller the batched read did not find may still be known to the directory (by its metadata document).
  const record = inspection.callerRecord ?? (credentials ? await context.clients.find(credentials.clientId) : null);
  return { token, inspection, caller: await authenticatedCaller(context, credentials, record, site) };
}

/**
 * Authenticates the caller of introspection or revocation from the record read alongside the
 * token. Null when no credentials were presented; a public client's bare client_id does not
 * count as authentication here.
 */
async function authenticatedCaller(
  context: OAuthContext,
  credentials: PresentedCredentials | null,
  record: ClientRecord | null,
  site: AuthenticationSite,
): Promise<AuthenticatedClient | null> {
  if (!credentials) return null;
  const caller = await verifyClientCredentials(context, credentials, record, site);
  return caller.method === 'none' ? null : caller;
}
