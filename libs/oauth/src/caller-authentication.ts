import { authenticateClient, presentedCredentials, type AuthenticatedClient } from './client-authentication';
import type { OAuthRequest } from './http-types';
import type { OAuthContext } from './oauth-context';

/**
 * Authenticates the caller of introspection or revocation if it identifies itself; returns
 * null when it sent no client identification at all. A public client's bare client_id does
 * not count as authentication here.
 */
export async function optionalCaller(
  context: OAuthContext,
  request: OAuthRequest,
  form: Map<string, string>,
): Promise<AuthenticatedClient | null> {
  const credentials = presentedCredentials(request, form);
  if (!credentials) return null;
  const caller = await authenticateClient(credentials, context.store, context.secrets);
  return caller.method === 'none' ? null : caller;
}
